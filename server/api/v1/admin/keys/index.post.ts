// Creates an API key; the answer holds the key itself, which is never shown again.
import { createApiKey, generateKey, getApiKeyInfo } from '../../../../services/auth/api-keys.ts'
import { CreateKeyBody } from '../../../../services/auth/schemas.ts'
import { writeTransaction } from '../../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireMediaType(event, ['application/json'])
  const body = parseInput(CreateKeyBody, await readJsonBody(event))
  const created = await writeTransaction(() =>
    createApiKey(body.name, body.role, generateKey(), auditAs(event, 'apiKeys.create', k => ({ target: `key:${k.id}`, detail: { role: k.role } }))))
  setResponseHeader(event, 'Cache-Control', 'no-store')
  setResponseStatus(event, 201, 'Created')
  return { ...getApiKeyInfo(created.id)!, key: created.key }
})

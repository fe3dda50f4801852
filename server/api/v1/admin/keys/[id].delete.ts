// Revokes an API key at once; 404 when there is no such key, 409 when it is already revoked.
import { getApiKeyInfo, revokeApiKey } from '../../../../services/auth/api-keys.ts'
import { idParam } from '../../../../services/schemas.ts'
import { conflict, notFound } from '../../../../services/errors.ts'
import { writeTransaction } from '../../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const audit = auditAs(event, 'apiKeys.revoke', () => ({ target: `key:${id}` }))
  if (!await writeTransaction(() => revokeApiKey(id, Date.now(), audit))) {
    const key = getApiKeyInfo(id)
    throw key ? conflict('This key is already revoked') : notFound(`No API key with id ${id}`)
  }
  return getApiKeyInfo(id)
})

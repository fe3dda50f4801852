// Revokes an API key at once; 404 when there is no such key, 409 when it is already revoked.
import { getApiKeyInfo, revokeApiKey } from '../../../../services/auth/api-keys.ts'
import { idParam } from '../../../../services/schemas.ts'
import { conflict, notFound } from '../../../../services/errors.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  if (!revokeApiKey(id, Date.now(), auditAs(event, 'apiKeys.revoke', () => ({ target: `key:${id}` })))) {
    const key = getApiKeyInfo(id)
    throw key ? conflict('This key is already revoked') : notFound(`No API key with id ${id}`)
  }
  return getApiKeyInfo(id)
})

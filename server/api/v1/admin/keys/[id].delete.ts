// Revokes an API key at once; 404 when there is no such key, 409 when it is already revoked.
import { getApiKeyInfo, revokeApiKey } from '../../../../services/auth/api-keys.ts'
import { idParam } from '../../../../services/schemas.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  if (!revokeApiKey(id, Date.now(), auditAs(event, 'apiKeys.revoke', () => ({ target: `key:${id}` })))) {
    const key = getApiKeyInfo(id)
    if (!key) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No API key with id ${id}` })
    throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'This key is already revoked' })
  }
  return getApiKeyInfo(id)
})

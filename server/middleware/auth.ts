// Auth: API keys (Authorization: Bearer) for /api/v1 and /metrics; 401 without a valid key, 403 when its role is too low.
import { getRequestURL } from 'h3'
import { bearerToken, requiredRole } from '../services/auth/policy.ts'
import { roleAllows, verifyApiKey } from '../services/auth/api-keys.ts'

export default defineEventHandler((event) => {
  const need = requiredRole(event.method, getRequestURL(event).pathname)
  if (!need) return
  const key = bearerToken(getRequestHeader(event, 'authorization'))
  const principal = key ? verifyApiKey(key) : undefined
  if (!principal) {
    setResponseHeader(event, 'WWW-Authenticate', 'Bearer realm="api"')
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: key ? 'Unknown or revoked API key' : 'An API key is required (Authorization: Bearer <key>)' })
  }
  if (!roleAllows(principal.role, need)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: `This needs the ${need} role; the key has ${principal.role}` })
  }
  event.context.auth = principal
})

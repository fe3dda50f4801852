// Auth for /api/v1 and /metrics: an API key (Authorization: Bearer) or, without one, the dashboard's session cookie; 401 without valid credentials, 403 when the role is too low.
import type { H3Event } from 'h3'
import { targetPath } from '../services/auth/canonical-path.ts'
import { bearerToken, requiredRole } from '../services/auth/policy.ts'
import { roleAllows, verifyApiKey, type Principal } from '../services/auth/api-keys.ts'
import { userOfSession } from '../services/auth/users.ts'
import { isCrossSite } from '../utils/origin.ts'

export default defineEventHandler(async (event) => {
  // event.path is what the router matches (00.canonical-path has made sure it is also what was sent).
  const need = requiredRole(event.method, targetPath(event.path))
  if (!need) return
  // Node's header, not h3's getRequestHeader (which copies every header of the request first).
  const key = bearerToken(event.node.req.headers.authorization)
  const cookie = !key && hasSessionCookie(event)
  const principal = key ? verifyApiKey(key) : cookie ? await sessionPrincipal(event) : undefined
  if (!principal) {
    // Refused requests count too (against the address), or guessing keys would be unlimited.
    await countRequest(event, undefined)
    setResponseHeader(event, 'WWW-Authenticate', 'Bearer realm="api"')
    const message = key ? 'Unknown or revoked API key' : cookie ? 'Your session has ended; sign in again' : 'An API key is required (Authorization: Bearer <key>) or a signed-in session'
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message })
  }
  if (!roleAllows(principal.role, need)) {
    await countRequest(event, principal)
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: `This needs the ${need} role; the ${principal.kind === 'key' ? 'key' : 'user'} has ${principal.role}` })
  }
  // A cookie travels with requests other sites make; a write must come from this origin.
  if (principal.kind === 'user' && !['GET', 'HEAD'].includes(event.method) && isCrossSite(event)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'Cross-site requests cannot write with a session cookie' })
  }
  event.context.auth = principal
})

function hasSessionCookie(event: H3Event): boolean {
  return Boolean(getCookie(event, String(useRuntimeConfig().session?.name || 'nuxt-session')))
}

/** The signed-in user, read fresh so a disabled user or a changed role takes effect at once. */
async function sessionPrincipal(event: H3Event): Promise<Principal | undefined> {
  const user = userOfSession(await getUserSession(event))
  return user ? { kind: 'user', id: user.id, role: user.role } : undefined
}

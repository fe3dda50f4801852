// Sign-in with email and password: a session (server-side row + sealed cookie) on success, 401 on
// bad credentials, 429 after too many failures for the address or the account, 403 from another
// site (login CSRF). The page posts JSON; before its script has loaded the form itself posts
// (urlencoded), and gets redirects instead of JSON, so credentials never travel in a URL
// whichever way the form was sent. Failures are audited with the email tried, never the password.
import { landingAfterSignIn, safeRedirect } from '../../../utils/redirect.ts'
import { whenUsersReady } from '../../services/auth/bootstrap.ts'
import { loginLimiter } from '../../services/auth/login-limiter.ts'
import { LoginBody } from '../../services/auth/schemas.ts'
import { normalizeEmail, userForLogin } from '../../services/auth/users.ts'
import { recordAudit } from '../../services/audit.ts'
import { writeTransaction } from '../../services/query/index.ts'

// Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined

const FORM = 'application/x-www-form-urlencoded'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireSameOrigin(event, 'Sign-in must come from the portal\'s own pages')
  const type = requireMediaType(event, ['application/json', FORM])
  const body = type === FORM ? Object.fromEntries(new URLSearchParams(await readLimitedText(event, 64 * 1024))) : await readJsonBody(event) as { redirect?: unknown } | undefined
  const fail = (status: 401 | 429, message: string) => type === FORM
    ? sendRedirect(event, `/login?error=${status === 429 ? 'limited' : 'credentials'}&redirect=${encodeURIComponent(safeRedirect(body?.redirect))}`, 303)
    : Promise.reject(createError({ statusCode: status, statusMessage: status === 429 ? 'Too Many Requests' : 'Unauthorized', message }))

  const { email, password } = parseInput(LoginBody, body)
  const attempt = { address: clientAddress(event), account: normalizeEmail(email) }
  const wait = loginLimiter.retryAfter(attempt)
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    return fail(429, `Too many failed sign-ins; try again in ${wait} s`)
  }
  const checked = await checkCredentials(email, password)
  if (!checked.user) {
    loginLimiter.recordFailure(attempt)
    await writeTransaction(() => recordAudit('anonymous', 'auth.login.failed', `email:${attempt.account}`, { reason: checked.reason }))
    return fail(401, 'Wrong email or password')
  }
  await startSession(event, checked.user, { actor: `user:${checked.user.id}`, action: 'auth.login', target: null })
  const { id, email: userEmail, role } = checked.user
  return type === FORM ? sendRedirect(event, landingAfterSignIn(body?.redirect, role), 303) : { user: { id, email: userEmail, role } }
})

async function checkCredentials(email: string, password: string) {
  await whenUsersReady()
  const user = userForLogin(email)
  const ok = user
    ? await verifyPassword(user.passwordHash, password)
    : await verifyPassword(await (decoyHash ??= hashPassword(crypto.randomUUID())), password).then(() => false)
  if (!user) return { reason: 'unknown-email' as const }
  if (!ok) return { reason: 'wrong-password' as const }
  if (user.disabledAt) return { reason: 'disabled' as const }
  return { user }
}

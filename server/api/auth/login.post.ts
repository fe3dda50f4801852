// Sign-in with email and password: a sealed session cookie on success, 401 on bad credentials,
// 429 after too many failures from one address. The page posts JSON; before its script has loaded
// the form itself posts (urlencoded), and gets redirects instead of JSON, so credentials never
// travel in a URL whichever way the form was sent.
import { safeRedirect } from '../../../utils/redirect.ts'
import { whenUsersReady } from '../../services/auth/bootstrap.ts'
import { loginLimiter } from '../../services/auth/login-limiter.ts'
import { LoginBody } from '../../services/auth/schemas.ts'
import { userForLogin } from '../../services/auth/users.ts'
import { recordAudit } from '../../services/audit.ts'

// Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined

const FORM = 'application/x-www-form-urlencoded'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const type = requireMediaType(event, ['application/json', FORM])
  const body = type === FORM ? Object.fromEntries(new URLSearchParams(await readLimitedText(event, 64 * 1024))) : await readJsonBody(event) as { redirect?: unknown } | undefined
  const fail = (status: 401 | 429, message: string) => type === FORM
    ? sendRedirect(event, `/login?error=${status === 429 ? 'limited' : 'credentials'}&redirect=${encodeURIComponent(safeRedirect(body?.redirect))}`, 303)
    : Promise.reject(createError({ statusCode: status, statusMessage: status === 429 ? 'Too Many Requests' : 'Unauthorized', message }))

  const ip = getRequestIP(event) ?? 'unknown'
  const wait = loginLimiter.retryAfter(ip)
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    return fail(429, `Too many failed sign-ins; try again in ${wait} s`)
  }
  const { email, password } = parseInput(LoginBody, body)
  const user = await checkCredentials(email, password)
  if (!user) {
    loginLimiter.recordFailure(ip)
    return fail(401, 'Wrong email or password')
  }
  loginLimiter.recordSuccess(ip)
  const sessionUser = { id: user.id, email: user.email, role: user.role }
  await replaceUserSession(event, { user: sessionUser, loggedInAt: new Date().toISOString() })
  recordAudit(`user:${user.id}`, 'auth.login', null)
  return type === FORM ? sendRedirect(event, safeRedirect(body?.redirect), 303) : { user: sessionUser }
})

async function checkCredentials(email: string, password: string) {
  await whenUsersReady()
  const user = userForLogin(email)
  const ok = user
    ? await verifyPassword(user.passwordHash, password)
    : await verifyPassword(await (decoyHash ??= hashPassword(crypto.randomUUID())), password).then(() => false)
  return user && ok && !user.disabledAt ? user : undefined
}


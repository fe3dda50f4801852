// Sign-in with email and password: a sealed session cookie on success, 401 on bad credentials,
// 429 after too many failures from one address.
import { whenUsersReady } from '../../services/auth/bootstrap.ts'
import { loginLimiter } from '../../services/auth/login-limiter.ts'
import { LoginBody } from '../../services/auth/schemas.ts'
import { userForLogin } from '../../services/auth/users.ts'
import { recordAudit } from '../../services/audit.ts'

// Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined

export default defineEventHandler(async (event) => {
  const ip = getRequestIP(event) ?? 'unknown'
  const wait = loginLimiter.retryAfter(ip)
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many failed sign-ins; try again in ${wait} s` })
  }
  requireMediaType(event, ['application/json'])
  const { email, password } = parseInput(LoginBody, await readBody(event))
  await whenUsersReady()
  const user = userForLogin(email)
  const ok = user
    ? await verifyPassword(user.passwordHash, password)
    : await verifyPassword(await (decoyHash ??= hashPassword(crypto.randomUUID())), password).then(() => false)
  if (!user || !ok || user.disabledAt) {
    loginLimiter.recordFailure(ip)
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Wrong email or password' })
  }
  loginLimiter.recordSuccess(ip)
  const sessionUser = { id: user.id, email: user.email, role: user.role }
  await replaceUserSession(event, { user: sessionUser, loggedInAt: new Date().toISOString() })
  recordAudit(`user:${user.id}`, 'auth.login', null)
  return { user: sessionUser }
})

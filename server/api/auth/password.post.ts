// A signed-in user changes their own password, proving they know the current one. Every session of
// the user ends (another browser, a copied cookie); this browser gets a new one and stays signed
// in. A wrong current password counts as a failed sign-in for the limiter and the audit log.
import { loginLimiter } from '../../services/auth/login-limiter.ts'
import { ChangePasswordBody } from '../../services/auth/schemas.ts'
import { setPasswordHash, userForLogin, userOfSession } from '../../services/auth/users.ts'
import { recordAudit, type AuditEntry } from '../../services/audit.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireSameOrigin(event, 'A password change must come from the portal\'s own pages')
  const user = userOfSession(await getUserSession(event))
  if (!user) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Sign in to change your password' })
  requireMediaType(event, ['application/json'])
  const body = parseInput(ChangePasswordBody, await readJsonBody(event))

  const attempt = { address: clientAddress(event), account: user.email }
  const wait = loginLimiter.retryAfter(attempt)
  if (wait > 0) {
    setResponseHeader(event, 'Retry-After', wait)
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many failed attempts; try again in ${wait} s` })
  }
  if (!await verifyPassword(userForLogin(user.email)!.passwordHash, body.currentPassword)) {
    loginLimiter.recordFailure(attempt)
    await writeTransaction(() => recordAudit(`user:${user.id}`, 'auth.password.failed', `user:${user.id}`))
    throw invalidInput([{ path: 'currentPassword', message: 'is not your current password' }])
  }
  const change = (): AuditEntry => ({ actor: `user:${user.id}`, action: 'auth.password.change', target: `user:${user.id}` })
  const passwordHash = await hashPassword(body.newPassword)
  // The new password and this browser's new session commit together: a database locked past the
  // write wait answers 503 with the old password still in force, never a changed password and no session.
  await startSession(event, () => {
    const result = setPasswordHash(user.id, passwordHash, Date.now(), change)
    if (!result.ok) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Your session has ended; sign in again' })
    return result.user
  })
  return { user: { id: user.id, email: user.email, role: user.role } }
})

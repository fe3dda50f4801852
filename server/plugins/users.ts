// Start-up for sign-in (after database.ts: plugins run in file-name order): the session password,
// the first admin user, and the hooks that tie nuxt-auth-utils' own routes to server-side sessions.
import { bootstrapAdminUser, rawSetting, resolveSessionPassword } from '../services/auth/bootstrap.ts'
import { userOfSession } from '../services/auth/users.ts'
import { isCrossSite } from '../utils/origin.ts'
import { endSession } from '../utils/session.ts'

export default defineNitroPlugin(() => {
  const config = useRuntimeConfig()
  // nuxt-auth-utils reads the password from the environment when it first seals a cookie.
  process.env.NUXT_SESSION_PASSWORD = resolveSessionPassword(process.env.NUXT_SESSION_PASSWORD || config.session?.password, console.warn)

  bootstrapAdminUser({
    email: String(config.bootstrapAdminEmail || 'admin@example.com'),
    // Checked at start by server/plugins/database.ts (bootstrapSettingsProblem).
    password: rawSetting(process.env, 'NUXT_BOOTSTRAP_ADMIN_PASSWORD', config.bootstrapAdminPassword),
    hash: hashPassword,
    log: console.info,
  }).catch(error => console.error('[auth] could not create the first admin user:', (error as Error).message))

  // GET /api/_auth/session (useUserSession): a session that ended on the server (signed out,
  // revoked, user disabled) is signed out, a changed role shows.
  sessionHooks.hook('fetch', (session) => {
    const user = userOfSession(session)
    if (!user) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Your session has ended; sign in again' })
    session.user = { id: user.id, email: user.email, role: user.role }
  })

  // Every sign-out goes through clearUserSession: POST /api/auth/logout and the module's own
  // DELETE /api/_auth/session. Both end the server-side session, and only from this origin.
  sessionHooks.hook('clear', async (session, event) => {
    if (isCrossSite(event)) throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'Sign-out must come from the portal\'s own pages' })
    await endSession(session)
  })
})

// Start-up for sign-in (after database.ts: plugins run in file-name order): the session password,
// the first admin user, and a session check that ends sessions of disabled users.
import { bootstrapAdminUser, resolveSessionPassword } from '../services/auth/bootstrap.ts'
import { userOfSession } from '../services/auth/users.ts'

export default defineNitroPlugin(() => {
  const config = useRuntimeConfig()
  // nuxt-auth-utils reads the password from the environment when it first seals a cookie.
  process.env.NUXT_SESSION_PASSWORD = resolveSessionPassword(process.env.NUXT_SESSION_PASSWORD || config.session?.password, console.warn)

  bootstrapAdminUser({
    email: String(config.bootstrapAdminEmail || 'admin@example.com'),
    password: String(config.bootstrapAdminPassword || ''),
    hash: hashPassword,
    log: console.info,
  }).catch(error => console.error('[auth] could not create the first admin user:', (error as Error).message))

  // GET /api/_auth/session (useUserSession): a disabled user is signed out, a changed role shows.
  sessionHooks.hook('fetch', (session) => {
    const user = userOfSession(session)
    if (!user) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Your session has ended; sign in again' })
    session.user = { id: user.id, email: user.email, role: user.role }
  })
})

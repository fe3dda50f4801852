import { fileURLToPath } from 'node:url'

// The portal keeps pages/, components/ and composables/ at the top level (DESIGN.md), so the
// source directory is the root rather than Nuxt 4's default app/.
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  srcDir: '.',
  devtools: { enabled: false },
  telemetry: false,
  // Sign-in for the dashboard: sealed cookie sessions and scrypt password hashes.
  modules: ['nuxt-auth-utils'],
  typescript: { strict: true },
  // Every value here can be set from the environment as NUXT_<NAME> (NUXT_DATABASE_PATH, ...).
  runtimeConfig: {
    // The first admin user (server/plugins/users.ts); without a password one is generated and printed once.
    bootstrapAdminEmail: 'admin@example.com',
    bootstrapAdminPassword: '',
    // The cookie is sealed with NUXT_SESSION_PASSWORD (32+ characters); a session lasts 12 hours.
    // Browsers send a Secure cookie over https and to localhost only: NUXT_SESSION_COOKIE_SECURE=false
    // allows signing in over plain http elsewhere.
    session: { maxAge: 60 * 60 * 12, password: '', cookie: { sameSite: 'lax', secure: true } },
    databasePath: 'data/portal.db',
    migrationsDir: 'drizzle',
    seedDemo: true,
    bootstrapAdminKey: '',
    slowQueryMs: 50,
  },
  nitro: {
    // better-sqlite3 is a native module: keep it (and drizzle, which loads it) out of the bundle.
    externals: { external: ['better-sqlite3'] },
    experimental: { tasks: true },
  },
  hooks: {
    // Our API error handler runs first; pages keep Nuxt's error handler after it.
    'nitro:config'(config) {
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler.ts', import.meta.url)), ...nuxtHandlers]
    },
  },
})

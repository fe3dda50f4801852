import { fileURLToPath } from 'node:url'
import { bundleJobWorker } from './server/services/jobs/bundle-worker.ts'
import { DEFAULT_RETENTION_JOBS_DAYS } from './server/services/jobs/retention.ts'
import { DEFAULT_SCHEDULE } from './server/services/jobs/schedule.ts'

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
    // Cache and measurements (server/services/cache, server/services/monitoring).
    cacheRedisUrl: '',
    cachePrefix: 'portal',
    cacheMaxEntries: 5000,
    cacheMaxBytes: 64 * 1024 * 1024,
    measurements: true,
    slowRequestMs: 1000,
    alertWebhookUrl: '',
    alertIntervalMs: 15_000,
    // Background jobs (server/plugins/jobs.ts): recurring runs, retries, the worker's time limit.
    jobRunner: true,
    jobSchedule: DEFAULT_SCHEDULE,
    jobPollMs: 1000,
    jobRetryBaseMs: 5000,
    jobTimeoutMs: 30 * 60 * 1000,
    // Finished job runs (whose payloads and results can name a person) are deleted after this many days.
    retentionJobsDays: DEFAULT_RETENTION_JOBS_DAYS,
    // Benchmark fixture only (server/plugins/bench-routes.ts): off, and unreachable, unless set.
    benchRoutes: false,
    benchStaticFile: '',
  },
  nitro: {
    // better-sqlite3 is a native module: keep it (and drizzle, which loads it) out of the bundle.
    externals: { external: ['better-sqlite3'] },
    experimental: { tasks: true },
  },
  hooks: {
    // The job worker thread needs an entry file of its own next to the built server.
    'nitro:init'(nitro) {
      if (nitro.options.dev) return
      nitro.hooks.hook('compiled', async () => {
        await bundleJobWorker(nitro.options.rootDir, nitro.options.output.serverDir)
      })
    },
    // Our API error handler runs first; pages keep Nuxt's error handler after it.
    'nitro:config'(config) {
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler.ts', import.meta.url)), ...nuxtHandlers]
    },
  },
})

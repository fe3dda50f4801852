import { fileURLToPath } from 'node:url'
import { bundleJobWorker } from './server/services/jobs/bundle-worker.ts'
import { DEFAULT_BACKUP_DIR, DEFAULT_BACKUP_KEEP } from './server/services/backups/settings.ts'
import { DEFAULT_SCHEDULE } from './server/services/jobs/schedule.ts'
import { DEFAULT_WRITE_WAIT_MS } from './server/services/query/write.ts'
import { RETENTION_SETTINGS } from './server/services/retention/settings.ts'
import { API_CSP, PAGE_CSP } from './server/services/http/content-security-policy.ts'

// The portal keeps pages/, components/ and composables/ at the top level (DESIGN.md), so the
// source directory is the root rather than Nuxt 4's default app/.
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  srcDir: '.',
  devtools: { enabled: false },
  telemetry: false,
  // Sign-in for the dashboard: sealed cookie sessions and scrypt password hashes. Security headers
  // (CSP with a per-response nonce, nosniff, Referrer-Policy, framing) through nuxt-security.
  modules: ['nuxt-auth-utils', 'nuxt-security'],
  security: {
    headers: {
      // Pages: scripts only with this response's nonce (Nuxt's inline payload and entry) or loaded by
      // them ('strict-dynamic': the chunks and chart.js); no 'unsafe-eval' anywhere.
      contentSecurityPolicy: PAGE_CSP,
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      // Sent only over TLS, by server/plugins/strict-transport-security.ts: nuxt-security would send
      // it on every response, plain http included.
      strictTransportSecurity: false,
    },
    // Off because the portal does these itself, with the behaviour its API contract promises:
    // body limits per route with 413 (server/utils/body.ts); its rate limits per key, session and
    // address, shared through Redis (server/middleware/rate-limit.ts); CORS only for /api/v1 and
    // before auth, so a preflight is answered (server/middleware/00.cors.ts: module handlers run
    // after server/middleware/, where auth would refuse the preflight with 401); an origin check
    // on cookie writes instead of CSRF tokens (server/middleware/auth.ts). The XSS validator
    // refuses any query or body that merely looks like HTML, with its own 400 shape: the API
    // stores text as data and Vue escapes it on output.
    requestSizeLimiter: false,
    rateLimiter: false,
    corsHandler: false,
    xssValidator: false,
    csrf: false,
    // Keep the client's console calls: the module would strip them from the build.
    removeLoggers: false,
  },
  routeRules: {
    // Every response that is not a page (API, errors, /metrics, assets) may not run or frame
    // anything; pages replace this with PAGE_CSP and their nonce. Pages and API answers can name
    // patients, so nothing may store them: aggregate API answers that name none replace this
    // (server/utils/cache.ts), and the app's hashed assets keep their own immutable caching.
    '/**': { headers: { 'Content-Security-Policy': API_CSP, 'Cache-Control': 'no-store' } },
  },
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
    // How long a write waits (on timers, never blocking the event loop) for a write lock another
    // connection holds before answering 503 with Retry-After (server/services/query/write.ts).
    writeWaitMs: DEFAULT_WRITE_WAIT_MS,
    // Faults (README "Faults and exit codes"): while a full disk refuses writes, a write that
    // changes nothing is retried this often to notice that space is back; SIGTERM drains requests
    // and closes everything within the shutdown budget, or exits 124 saying what was pending.
    storageProbeMs: 2000,
    shutdownTimeoutMs: 10_000,
    // Reads that may scan (server/services/query/off-thread.ts): reader threads (0 runs them inline,
    // without a limit; empty picks the cores, at most 4) and the time a read may take before it is
    // stopped and answered 503.
    queryReaders: '',
    queryTimeoutMs: 5000,
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
    // Retention (server/services/retention): whole days each kind of record is kept, or 'off'.
    retentionHealthDays: RETENTION_SETTINGS.health.defaultDays,
    retentionAuditDays: RETENTION_SETTINGS.audit.defaultDays,
    retentionJobsDays: RETENTION_SETTINGS.jobs.defaultDays,
    // Backups (server/plugins/backups.ts, the db.backup job): where, how many kept, and the
    // AES-256-GCM key (32 bytes, base64 or hex) that encrypts them when set.
    backupDir: DEFAULT_BACKUP_DIR,
    backupKeep: DEFAULT_BACKUP_KEEP,
    backupEncryptionKey: '',
    // Benchmark fixture only (server/plugins/bench-routes.ts): off, and unreachable, unless set.
    benchRoutes: false,
    benchStaticFile: '',
    // Edges a hostile client reaches (server/middleware/00.cors.ts, rate-limit.ts): origins allowed
    // to call /api/v1 from a browser (comma-separated, none by default); requests a minute per key
    // or signed-in user, and per client address without credentials (0 turns a limit off); whether
    // X-Forwarded-For / X-Forwarded-Proto from a reverse proxy are believed.
    corsOrigins: '',
    rateLimitPerMinute: 1200,
    rateLimitAnonPerMinute: 120,
    trustProxy: false,
  },
  nitro: {
    // better-sqlite3 is a native module: keep it (and drizzle, which loads it) out of the bundle.
    externals: { external: ['better-sqlite3'] },
    experimental: { tasks: true },
    // The app's JS and CSS are served pre-compressed (.br, .gz written at build, picked by the
    // request's Accept-Encoding); answers computed per request are compressed by
    // server/plugins/compression.ts.
    compressPublicAssets: true,
  },
  hooks: {
    // The job worker thread needs an entry file of its own next to the built server.
    'nitro:init'(nitro) {
      if (nitro.options.dev) return
      nitro.hooks.hook('compiled', async () => {
        await bundleJobWorker(nitro.options.rootDir, nitro.options.output.serverDir)
      })
    },
    'nitro:config'(config) {
      // Our API error handler runs first; pages keep Nuxt's error handler after it.
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler.ts', import.meta.url)), ...nuxtHandlers]
      // The built server starts from server/entry.ts: Nitro's node-server entry with a shutdown
      // that answers every request already received (server/services/lifecycle/shutdown.ts).
      if (!config.dev) config.entry = fileURLToPath(new URL('./server/entry.ts', import.meta.url))
    },
  },
})

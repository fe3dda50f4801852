import { fileURLToPath } from 'node:url'

// The portal keeps pages/, components/ and composables/ at the top level (DESIGN.md), so the
// source directory is the root rather than Nuxt 4's default app/.
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  srcDir: '.',
  devtools: { enabled: false },
  telemetry: false,
  typescript: { strict: true },
  // Every value here can be set from the environment as NUXT_<NAME> (NUXT_DATABASE_PATH, ...).
  runtimeConfig: {
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
    // Our API error handler runs first; pages keep Nuxt's error handler after it.
    'nitro:config'(config) {
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler.ts', import.meta.url)), ...nuxtHandlers]
    },
  },
})

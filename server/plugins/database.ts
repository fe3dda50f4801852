// Start-up: open the database, apply migrations, create the bootstrap admin key, seed demo data
// into an empty database. All synchronous, so the server listens only once the database is ready.
import { closeDatabase, initDatabase } from '../database/client.ts'
import { runMigrations } from '../database/migrate.ts'
import { createApiKey, ensureApiKey, hasActiveAdminKey } from '../services/auth/api-keys.ts'
import { bootstrapSettingsProblem, rawSetting, StartupError } from '../services/auth/bootstrap.ts'
import { ensureSupplementCatalogue } from '../services/health/supplements.ts'
import { configureSlowLog } from '../services/query/index.ts'
import { configureReaders, startReaders, stopOffThreadWorker } from '../services/query/off-thread.ts'
import { enqueueJob } from '../services/jobs/queue.ts'
import { DEMO_SEED_OPTIONS, isDatabaseEmpty, seedDatabase } from '../services/seed/index.ts'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  // Settings that could never work stop the start before anything is written.
  const bootstrapKey = rawSetting(process.env, 'NUXT_BOOTSTRAP_ADMIN_KEY', config.bootstrapAdminKey)
  const problem = bootstrapSettingsProblem({ key: bootstrapKey, password: rawSetting(process.env, 'NUXT_BOOTSTRAP_ADMIN_PASSWORD', config.bootstrapAdminPassword) })
  if (problem) throw new StartupError(problem)
  const conn = initDatabase(config.databasePath)
  const { applied } = runMigrations(conn, config.migrationsDir)
  if (applied > 0) console.info(`[db] ${conn.path}: applied ${applied} migration(s)`)
  configureSlowLog({ slowMs: Number(config.slowQueryMs) })
  configureReaders({ timeoutMs: Number(config.queryTimeoutMs), ...(String(config.queryReaders) === '' ? {} : { size: Number(config.queryReaders) }) })
  ensureSupplementCatalogue(conn.sqlite)
  startReaders()

  if (bootstrapKey) {
    // Taken as the operator gives it (a secret store's value, with or without our `ap_`): it
    // works as a Bearer admin key from now on, or the portal does not start and says why.
    const state = ensureApiKey(bootstrapKey, 'admin', 'bootstrap admin')
    if (state === 'created') console.info('[auth] created the bootstrap admin key from NUXT_BOOTSTRAP_ADMIN_KEY')
    if (state === 'revoked') throw new StartupError('NUXT_BOOTSTRAP_ADMIN_KEY was revoked by an admin: set a new key, or unset it')
    if (state === 'other-role') throw new StartupError('NUXT_BOOTSTRAP_ADMIN_KEY is an existing key without the admin role: set a new key, or unset it')
  }
  else if (!hasActiveAdminKey()) {
    // A fresh portal must be reachable: make the first admin key and show it this once.
    const { key } = createApiKey('first admin', 'admin')
    console.info(`[auth] no admin key existed; created one (shown only now): ${key}`)
  }

  if (config.seedDemo !== false && String(config.seedDemo) !== 'false' && isDatabaseEmpty(conn)) {
    const started = performance.now()
    const report = seedDatabase(conn, DEMO_SEED_OPTIONS)
    console.info(`[db] seeded demo data (${report.totalRows} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    // The demo should show correlations and insights at once, not after the first daily recompute:
    // the job runner (server/plugins/jobs.ts) picks this up on its worker thread.
    enqueueJob('correlations.recompute', {})
  }

  nitroApp.hooks.hook('close', async () => {
    await stopOffThreadWorker()
    closeDatabase()
  })
})

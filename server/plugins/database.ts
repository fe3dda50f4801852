// Start-up: open the database, apply migrations, create the bootstrap admin key, seed demo data
// into an empty database. All synchronous, so the server listens only once the database is ready;
// until then a write may wait for the lock (the connection's 5 s busy timeout). From then on the
// main thread never does: its busy timeout is 0 and writes wait on timers (writeTransaction).
// A fault the operator must fix (a bad setting, a read-only or unopenable file) ends the start
// with one line and its exit code (server/services/lifecycle/exit-codes.ts).
import type { NitroApp } from 'nitropack/types'
import { checkpointAndCloseDatabase, initDatabase } from '../database/client.ts'
import { probeWrite, setBusyTimeout } from '../database/connection.ts'
import { runMigrations } from '../database/migrate.ts'
import { openFault } from '../database/open-faults.ts'
import { createApiKey, ensureApiKey, hasActiveAdminKey } from '../services/auth/api-keys.ts'
import { bootstrapSettingsProblem, rawSetting } from '../services/auth/bootstrap.ts'
import { ensureSupplementCatalogue } from '../services/health/supplements.ts'
import { exitOnStartupError, StartupError } from '../services/lifecycle/exit-codes.ts'
import { configureSlowLog, configureWriteWait } from '../services/query/index.ts'
import { configureReaders, startReaders, stopOffThreadWorker } from '../services/query/off-thread.ts'
import { enqueueJob } from '../services/jobs/queue.ts'
import { DEMO_SEED_OPTIONS, isDatabaseEmpty, seedDatabase } from '../services/seed/index.ts'

export default defineNitroPlugin((nitroApp) => {
  try {
    start(nitroApp)
  }
  catch (error) {
    exitOnStartupError(error)
  }
})

function openForServer(path: string, migrationsDir: string) {
  try {
    const conn = initDatabase(path)
    // A read-only file opens without complaint: find out now rather than at the first write.
    probeWrite(conn.sqlite)
    const { applied } = runMigrations(conn, migrationsDir)
    if (applied > 0) console.info(`[db] ${conn.path}: applied ${applied} migration(s)`)
    return conn
  }
  catch (error) {
    throw openFault(path, error) ?? error
  }
}

function start(nitroApp: NitroApp): void {
  const config = useRuntimeConfig()
  // Settings that could never work stop the start before anything is written.
  const bootstrapKey = rawSetting(process.env, 'NUXT_BOOTSTRAP_ADMIN_KEY', config.bootstrapAdminKey)
  const problem = bootstrapSettingsProblem({ key: bootstrapKey, password: rawSetting(process.env, 'NUXT_BOOTSTRAP_ADMIN_PASSWORD', config.bootstrapAdminPassword) })
  if (problem) throw new StartupError(problem)
  const conn = openForServer(config.databasePath, config.migrationsDir)
  configureSlowLog({ slowMs: Number(config.slowQueryMs) })
  configureWriteWait({ waitMs: Number(config.writeWaitMs) })
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
  setBusyTimeout(conn.sqlite, 0)

  // Registered once every plugin has run (they run synchronously, in name order), so this close
  // hook is the last: the job runner, the audit flush and the other hooks still have the
  // database. The off-thread reader goes first, so that no other connection holds the WAL.
  queueMicrotask(() => nitroApp.hooks.hook('close', async () => {
    await stopOffThreadWorker()
    const { busy } = checkpointAndCloseDatabase()
    if (busy) console.warn('[db] another connection was reading: the WAL could not be truncated before closing')
  }))
}

// Readiness: the database is open, every migration is applied and writes are not refused for a
// full disk (server/services/storage/faults.ts). No credentials.
import { isDatabaseOpen, useConnection } from '../database/client.ts'
import { migrationsUpToDate } from '../database/migrate.ts'
import { currentStorageFault } from '../services/storage/faults.ts'

// Migrations only move forward in a running process: once up to date, stop re-reading the journal.
let migrated = false

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const fault = currentStorageFault()
  const checks = { database: isDatabaseOpen(), migrations: false, storage: !fault }
  if (checks.database && !migrated) {
    try {
      migrated = migrationsUpToDate(useConnection(), useRuntimeConfig().migrationsDir)
    }
    catch {
      migrated = false
    }
  }
  checks.migrations = checks.database && migrated
  const ready = checks.database && checks.migrations && checks.storage
  setResponseStatus(event, ready ? 200 : 503)
  return { status: ready ? 'ready' : 'not ready', checks, ...(fault ? { reason: fault.reason } : {}) }
})

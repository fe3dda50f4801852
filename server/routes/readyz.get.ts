// Readiness: the database is open, every migration is applied and the disk has room for writes
// (server/services/storage/probe.ts). No credentials.
import { isDatabaseOpen, useConnection } from '../database/client.ts'
import { migrationsUpToDate } from '../database/migrate.ts'
import { storageFaultNow } from '../services/storage/probe.ts'

// Migrations only move forward in a running process: once up to date, stop re-reading the journal.
let migrated = false

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const database = isDatabaseOpen()
  const fault = database ? storageFaultNow(useConnection().path) : undefined
  const checks = { database, migrations: false, storage: !fault }
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

// Readiness: the database is open and every migration is applied. No credentials.
import { isDatabaseOpen, useConnection } from '../database/client.ts'
import { migrationsUpToDate } from '../database/migrate.ts'

// Migrations only move forward in a running process: once up to date, stop re-reading the journal.
let migrated = false

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const checks = { database: isDatabaseOpen(), migrations: false }
  if (checks.database && !migrated) {
    try {
      migrated = migrationsUpToDate(useConnection(), useRuntimeConfig().migrationsDir)
    }
    catch {
      migrated = false
    }
  }
  checks.migrations = checks.database && migrated
  const ready = checks.database && checks.migrations
  setResponseStatus(event, ready ? 200 : 503)
  return { status: ready ? 'ready' : 'not ready', checks }
})

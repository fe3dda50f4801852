import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import type { Connection } from '../../server/database/connection.ts'
import { runMigrations } from '../../server/database/migrate.ts'

/** A migrated database in a temporary file, installed as the process's connection. */
export function tempDatabase(): { conn: Connection, dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-unit-'))
  const conn = initDatabase(join(dir, 'portal.db'))
  runMigrations(conn)
  return {
    conn,
    dispose: () => {
      closeDatabase()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

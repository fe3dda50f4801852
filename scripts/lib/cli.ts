// Shared by the CLI scripts: which database file to use, opened and migrated.
import { DEFAULT_DATABASE_PATH } from '../../server/database/connection.ts'
import { initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'

export function databasePath(flag?: string): string {
  return flag ?? process.env.NUXT_DATABASE_PATH ?? DEFAULT_DATABASE_PATH
}

export function openMigrated(path: string) {
  const conn = initDatabase(path)
  const { applied } = runMigrations(conn, process.env.NUXT_MIGRATIONS_DIR)
  return { conn, applied }
}

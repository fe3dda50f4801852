// Applies drizzle-kit's migrations from drizzle/. Used at server start and by `npm run db:migrate`.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import type { Connection } from './connection.ts'

export const DEFAULT_MIGRATIONS_DIR = 'drizzle'

export function resolveMigrationsDir(dir: string = DEFAULT_MIGRATIONS_DIR): string {
  const path = resolve(dir)
  if (!existsSync(join(path, 'meta', '_journal.json'))) {
    throw new Error(`No drizzle migrations at ${path} (run from the project folder or set NUXT_MIGRATIONS_DIR)`)
  }
  return path
}

export function runMigrations(conn: Connection, dir?: string): { applied: number } {
  const migrationsFolder = resolveMigrationsDir(dir)
  const before = appliedCount(conn)
  migrate(conn.db, { migrationsFolder })
  return { applied: appliedCount(conn) - before }
}

/** True when every migration in the folder has been applied to this database. */
export function migrationsUpToDate(conn: Connection, dir?: string): boolean {
  const expected = readMigrationFiles({ migrationsFolder: resolveMigrationsDir(dir) }).length
  return appliedCount(conn) >= expected
}

function appliedCount(conn: Connection): number {
  const table = conn.sqlite
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`)
    .get()
  if (!table) return 0
  const row = conn.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }
  return row.n
}

// Opening the SQLite file: one place for every pragma, so the server, the CLI scripts and the
// worker threads all get the same connection. Each choice is explained in PERFORMANCE_TUNING.md.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema.ts'

export type Sqlite = Database.Database
export type Db = BetterSQLite3Database<typeof schema>

export interface Connection {
  sqlite: Sqlite
  db: Db
  path: string
}

export const DEFAULT_DATABASE_PATH = 'data/portal.db'

export interface OpenOptions {
  readonly?: boolean
  /**
   * Milliseconds a statement waits, blocking its thread, for a lock before SQLITE_BUSY. Fine for
   * CLI scripts and worker threads; the server's main thread sets 0 once started (setBusyTimeout).
   */
  busyTimeoutMs?: number
}

export function openDatabase(path: string = DEFAULT_DATABASE_PATH, options: OpenOptions = {}): Connection {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path, { readonly: options.readonly ?? false })
  applyPragmas(sqlite, options)
  return { sqlite, db: drizzle(sqlite, { schema }), path }
}

export function applyPragmas(sqlite: Sqlite, options: OpenOptions = {}): void {
  if (!options.readonly) {
    // Readers never block the writer and the writer never blocks readers.
    sqlite.pragma('journal_mode = WAL')
  }
  // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses
  // nothing; only a power cut can lose the last commits, never corrupt the file.
  sqlite.pragma('synchronous = NORMAL')
  setBusyTimeout(sqlite, options.busyTimeoutMs ?? 5000)
  sqlite.pragma('foreign_keys = ON')
  // 64 MiB of page cache per connection (negative = KiB).
  sqlite.pragma('cache_size = -65536')
  // Sorts and temporary indexes in memory rather than in temp files.
  sqlite.pragma('temp_store = MEMORY')
  // Read through the OS page cache without copying: 256 MiB of the file mapped.
  sqlite.pragma('mmap_size = 268435456')
  // Let the WAL grow to about 64 MiB before a checkpoint truncates it back.
  sqlite.pragma('journal_size_limit = 67108864')
  // Cheap at open: analyzes only tables whose statistics are missing or stale (0x10000 lets it
  // look at every table, 0x2 runs ANALYZE where needed, bounded by analysis_limit). ANALYZE
  // writes, so a read-only connection (the restore script's look at a database) leaves it out.
  if (options.readonly) return
  sqlite.pragma('analysis_limit = 1000')
  sqlite.pragma('optimize = 0x10002')
}

/**
 * How long this connection's statements block their thread waiting for a lock. 0 on the server's
 * main thread: a held lock is then an immediate SQLITE_BUSY, and writes wait for it on timers
 * (server/services/query/write.ts). Reads in WAL mode never wait for a writer.
 */
export function setBusyTimeout(sqlite: Sqlite, ms: number): void {
  sqlite.pragma(`busy_timeout = ${ms}`)
}

/**
 * Commits a write that changes nothing (the header's user_version, set to what it is), so it
 * fails as a real write would: on a read-only file or directory, on a full disk. Used at start,
 * where a read-only file would otherwise open without complaint, and by the disk-full probe.
 */
export function probeWrite(sqlite: Sqlite): void {
  const version = sqlite.pragma('user_version', { simple: true }) as number
  sqlite.pragma(`user_version = ${version}`)
}

/**
 * Copies the WAL into the database file and truncates it to 0 bytes, as at a clean stop: a copy
 * of the file alone (a backup tool, `cp`) is then the whole database. Answers whether a reader
 * in another connection kept it from finishing.
 */
export function checkpointTruncate(sqlite: Sqlite): { busy: boolean } {
  const [row] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
  return { busy: (row?.busy ?? 0) !== 0 }
}

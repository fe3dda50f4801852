// The process's one database connection. The Nitro plugin opens it at start; CLI scripts and
// worker threads call initDatabase themselves. Services reach it through useConnection().
import { checkpointTruncate, openDatabase, type Connection, type OpenOptions } from './connection.ts'

let current: Connection | undefined
let generation = 0

export function initDatabase(path: string, options?: OpenOptions): Connection {
  closeDatabase()
  current = openDatabase(path, options)
  generation++
  return current
}

export function useConnection(): Connection {
  if (!current) throw new Error('The database is not open (initDatabase was not called)')
  return current
}

/** Changes every time a connection is opened, so prepared statements know when to re-prepare. */
export function connectionGeneration(): number {
  return generation
}

export function isDatabaseOpen(): boolean {
  return current !== undefined && current.sqlite.open
}

export function closeDatabase(): void {
  if (current?.sqlite.open) current.sqlite.close()
  current = undefined
}

/** The clean stop: checkpoint and truncate the WAL, then close. Answers whether another connection kept the checkpoint from finishing. */
export function checkpointAndCloseDatabase(): { busy: boolean } {
  if (!current?.sqlite.open) return { busy: false }
  try {
    return checkpointTruncate(current.sqlite)
  }
  finally {
    // Closed even when the checkpoint fails (a full disk): the WAL keeps every commit.
    closeDatabase()
  }
}

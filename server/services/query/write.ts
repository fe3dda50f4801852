// Writes on the main thread never wait on a lock synchronously. The server's connection has a busy
// timeout of 0 (server/plugins/database.ts), so BEGIN IMMEDIATE answers SQLITE_BUSY at once while
// another connection (a second portal, a `sqlite3` session, a backup tool, the job worker) holds
// the write lock. writeTransaction then tries again on a timer, with growing pauses, until its
// wait budget (NUXT_WRITE_WAIT_MS) is spent, and gives up with a DatabaseBusyError (503 with
// Retry-After, server/services/errors.ts). Meanwhile the event loop serves everything else.
//
// The function itself runs synchronously inside the transaction, as with inTransaction: it is
// only ever run again when BEGIN was refused, before any of it ran, so nothing it does is
// repeated; a refused write changed nothing.
import { useConnection } from '../../database/client.ts'

export const DEFAULT_WRITE_WAIT_MS = 5000
/** First pause after a refused BEGIN; each later one doubles, up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 2
/** Long enough that a few hundred waiting writes cost the loop little, short enough to follow a released lock at once. */
const MAX_PAUSE_MS = 50

let waitBudgetMs = DEFAULT_WRITE_WAIT_MS

/** Sets how long a write waits for the lock before answering busy (NUXT_WRITE_WAIT_MS). */
export function configureWriteWait(options: { waitMs: number }): void {
  if (!Number.isFinite(options.waitMs) || options.waitMs < 0) throw new Error(`NUXT_WRITE_WAIT_MS must be a number of milliseconds ≥ 0, not ${options.waitMs}`)
  waitBudgetMs = options.waitMs
}

export function writeWaitMs(): number {
  return waitBudgetMs
}

/** The lock stayed taken for the whole wait budget. Carries SQLite's code, so it maps like any SQLITE_BUSY. */
export class DatabaseBusyError extends Error {
  readonly code = 'SQLITE_BUSY'
  readonly waitedMs: number

  constructor(waitedMs: number, cause: unknown) {
    super(`The database stayed locked by another connection for ${Math.round(waitedMs)} ms`, { cause })
    this.name = 'DatabaseBusyError'
    this.waitedMs = waitedMs
  }
}

/** SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

const pause = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/**
 * Runs `fn` in one IMMEDIATE transaction on the current connection, waiting asynchronously for
 * the write lock for at most `waitMs` (default NUXT_WRITE_WAIT_MS; 0 tries once). Any other error,
 * and a SQLITE_BUSY raised once the transaction had begun, is thrown as it is, after the rollback.
 */
export async function writeTransaction<T>(fn: () => T, options: { waitMs?: number } = {}): Promise<T> {
  const started = performance.now()
  const deadline = started + (options.waitMs ?? waitBudgetMs)
  for (let attempt = 0; ; attempt++) {
    let began = false
    try {
      return useConnection().sqlite.transaction(() => {
        began = true
        return fn()
      }).immediate()
    }
    catch (error) {
      if (began || !isBusyError(error)) throw error
      const left = deadline - performance.now()
      if (left <= 0) throw new DatabaseBusyError(performance.now() - started, error)
      // Jittered, so that writes that met the same lock do not all come back at the same instant.
      const next = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt)
      await pause(Math.min(left, next / 2 + Math.random() * next / 2))
    }
  }
}

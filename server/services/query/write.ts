// Writes on the main thread never wait on a lock synchronously. The server's connection has a busy
// timeout of 0 (server/plugins/database.ts), so BEGIN IMMEDIATE answers SQLITE_BUSY at once while
// another connection (a second portal, a `sqlite3` session, a backup tool, the job worker) holds
// the write lock. writeTransaction then queues the write and tries again on a timer, with growing
// pauses, until its wait budget (NUXT_WRITE_WAIT_MS) is spent, and gives up with a
// DatabaseBusyError (503 with Retry-After, server/services/errors.ts). Meanwhile the event loop
// serves everything else.
//
// The function itself runs synchronously inside the transaction, as with inTransaction: it is
// only ever run again when BEGIN was refused, before any of it ran, so nothing it does is
// repeated; a refused write changed nothing.
import { useConnection } from '../../database/client.ts'

export const DEFAULT_WRITE_WAIT_MS = 5000
/** First pause after a refused BEGIN; each later one doubles, up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 2
/** Short enough that writes go on within ~50 ms of the lock's release. */
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

type Attempt<T> = { ok: true, value: T } | { ok: false, error: unknown, busy: boolean }

/** One try: the function's value, or why not (busy only when BEGIN itself was refused). */
function attempt<T>(fn: () => T): Attempt<T> {
  let began = false
  try {
    const value = useConnection().sqlite.transaction(() => {
      began = true
      return fn()
    }).immediate()
    return { ok: true, value }
  }
  catch (error) {
    return { ok: false, error, busy: !began && isBusyError(error) }
  }
}

interface Waiter {
  fn: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  started: number
  expiry: ReturnType<typeof setTimeout>
}

/**
 * Writes waiting for the lock, oldest first. Only the oldest tries the lock, once per pause,
 * however many wait (a refused BEGIN costs tens of microseconds, mostly building the error); the
 * others follow it one macrotask each once the lock is ours, so a queue of large ingests does not
 * hold the loop in one piece.
 */
const waiting: Waiter[] = []
let refusals = 0
let nextTry: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined

function scheduleTry(now: boolean): void {
  if (nextTry !== undefined || waiting.length === 0) return
  if (now) {
    nextTry = setImmediate(tryWaiting)
    return
  }
  // Jittered, so that two portals that met the same lock do not come back at the same instant.
  const pause = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** refusals)
  nextTry = setTimeout(tryWaiting, pause / 2 + Math.random() * pause / 2)
}

function tryWaiting(): void {
  nextTry = undefined
  const first = waiting[0]
  if (!first) return
  const result = attempt(first.fn)
  if (!result.ok && result.busy) {
    refusals++
    scheduleTry(false)
    return
  }
  refusals = 0
  waiting.shift()
  clearTimeout(first.expiry)
  if (result.ok) first.resolve(result.value)
  else first.reject(result.error)
  scheduleTry(true)
}

/**
 * Runs `fn` in one IMMEDIATE transaction on the current connection, waiting asynchronously for
 * the write lock for at most `waitMs` (default NUXT_WRITE_WAIT_MS; 0 tries once). Any other error,
 * and a SQLITE_BUSY raised once the transaction had begun, is thrown as it is, after the rollback.
 */
export function writeTransaction<T>(fn: () => T, options: { waitMs?: number } = {}): Promise<T> {
  const waitMs = options.waitMs ?? waitBudgetMs
  // Nobody waiting: straight in, synchronously, as cheap as inTransaction.
  let firstRefusal: unknown
  if (waiting.length === 0) {
    const result = attempt(fn)
    if (result.ok) return Promise.resolve(result.value)
    if (!result.busy) return Promise.reject(result.error)
    firstRefusal = result.error
  }
  if (waitMs <= 0) return Promise.reject(new DatabaseBusyError(0, firstRefusal))
  return new Promise<T>((resolve, reject) => {
    const started = performance.now()
    const waiter: Waiter = {
      fn,
      resolve: resolve as (value: unknown) => void,
      reject,
      started,
      expiry: setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1)
        reject(new DatabaseBusyError(performance.now() - started, firstRefusal))
      }, waitMs),
    }
    waiting.push(waiter)
    scheduleTry(false)
  })
}

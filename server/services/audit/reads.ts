// Audit rows for reads of one person's records. A synchronous INSERT on every read would add a
// write to the hottest path (and contend with ingest for the write lock), so reads are buffered
// in memory and written in one transaction at least every second (FLUSH_EVERY_MS), and at
// shutdown. What a crash can lose is at most the last second of read records; writes are never
// buffered (their row commits with the write, server/services/audit.ts).
import { isDatabaseOpen } from '../../database/client.ts'
import { writeAudit, type AuditEntry } from '../audit.ts'
import { inTransaction, isBusyError } from '../query/index.ts'

export const FLUSH_EVERY_MS = 1000
/** Past this many waiting rows a read flushes at once rather than letting memory grow. */
const MAX_PENDING = 10_000

let pending: { entry: AuditEntry, at: number }[] = []
let timer: ReturnType<typeof setInterval> | undefined

export function bufferReadAudit(entry: AuditEntry, at: number = Date.now()): void {
  pending.push({ entry, at })
  if (pending.length >= MAX_PENDING) flushReadAudits()
}

let lockedSince: number | undefined

/**
 * Writes every buffered row in one transaction; answers how many. When the database refuses
 * (busy, closed), the rows stay buffered for the next flush. One try, never a wait: on the
 * server's main thread the busy timeout is 0, so a lock held elsewhere is a SQLITE_BUSY at once,
 * and the next tick is the retry.
 */
export function flushReadAudits(): number {
  if (pending.length === 0 || !isDatabaseOpen()) return 0
  const batch = pending
  pending = []
  try {
    inTransaction(() => {
      for (const { entry, at } of batch) writeAudit(entry, at)
    })
    if (lockedSince !== undefined) console.info(`[audit] wrote the read records held back for ${Date.now() - lockedSince} ms by a locked database`)
    lockedSince = undefined
    return batch.length
  }
  catch (error) {
    pending = batch.concat(pending)
    // Said once per locked stretch, not every second while another process holds the lock.
    if (isBusyError(error) && lockedSince !== undefined) return 0
    if (isBusyError(error)) lockedSince = Date.now()
    console.warn(`[audit] could not write ${batch.length} read record(s) yet: ${(error as Error).message}`)
    return 0
  }
}

export function pendingReadAudits(): number {
  return pending.length
}

export function startReadAuditFlusher(everyMs: number = FLUSH_EVERY_MS): void {
  stopReadAuditFlusher()
  timer = setInterval(flushReadAudits, everyMs)
  timer.unref()
}

/** Stops the timer and writes what is still buffered. */
export function stopReadAuditFlusher(): void {
  if (timer) clearInterval(timer)
  timer = undefined
  flushReadAudits()
}

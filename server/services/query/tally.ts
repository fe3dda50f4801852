// Which unit of work (a request) a statement's time belongs to. The measurement plugin runs every
// request inside `runTallied`; each execution adds its time to the tally of the request it ran
// for, even across awaits (an off-thread count resolves in the request's async context), so
// Server-Timing's `db` is exact when requests interleave. It lives here, in the query layer, so
// that recording a statement never calls up into monitoring: monitoring reads the tally.
import { AsyncLocalStorage } from 'node:async_hooks'

export interface StatementTally {
  /** Milliseconds spent in statements. */
  dbMs: number
  /** Statements executed. */
  queries: number
}

const storage = new AsyncLocalStorage<StatementTally>()
// Until something tallies (no server, NUXT_MEASUREMENTS=false, the bench), a statement pays a
// boolean test rather than a context lookup.
let tallying = false

export function runTallied<T>(tally: StatementTally, fn: () => T): T {
  tallying = true
  return storage.run(tally, fn)
}

/** Adds one execution to the running unit of work, if any. */
export function tallyStatement(ms: number): void {
  if (!tallying) return
  const tally = storage.getStore()
  if (tally) {
    tally.dbMs += ms
    tally.queries++
  }
}

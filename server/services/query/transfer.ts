// Statements a worker thread ran, carried back to the main thread's measurements. The job
// worker has its own module instances, so its executions land in its own StatementStats; it
// posts them (as deltas, batched: with each progress report and at the end) over its message
// port, and the host merges them here, so /admin/queries, /metrics and the slow log show the
// job's statements like any other.
import { allStatements, recordSlow, slowQueries, slowRecorded, statementStats, type SlowQuery } from './stats.ts'

export interface StatementDelta {
  name: string
  sql: string
  counts: Uint32Array
  buckets: Uint32Array
  count: number
  sum: number
  max: number
  rows: number
}

export interface StatementBatch {
  statements: StatementDelta[]
  slow: SlowQuery[]
}

let slowSent = 0

/** What this thread executed since the last call (its counters start again at zero). */
export function takeStatementBatch(): StatementBatch {
  const statements: StatementDelta[] = []
  for (const s of allStatements()) {
    const h = s.histogram
    if (h.count === 0) continue
    statements.push({ name: s.name, sql: s.sql, counts: h.counts.slice(), buckets: s.buckets.slice(), count: h.count, sum: h.sum, max: h.max, rows: s.rows })
    const plan = s.plan
    s.reset()
    s.plan = plan
  }
  // The slow log is newest first; send the entries added since the last batch, oldest first.
  const total = slowRecorded()
  const slow = total === slowSent ? [] : slowQueries().slice(0, total - slowSent).reverse()
  slowSent = total
  return { statements, slow }
}

/** Adds a worker's batch to this thread's measurements. */
export function mergeStatementBatch(batch: StatementBatch): void {
  for (const d of batch.statements) {
    let s
    try {
      s = statementStats(d.name, d.sql)
    }
    catch {
      continue // the same name with other SQL: a worker built from other sources; not ours to count
    }
    const h = s.histogram
    for (let i = 0; i < h.counts.length; i++) h.counts[i]! += d.counts[i] ?? 0
    for (let i = 0; i < s.buckets.length; i++) s.buckets[i]! += d.buckets[i] ?? 0
    h.count += d.count
    h.sum += d.sum
    if (d.max > h.max) h.max = d.max
    s.rows += d.rows
  }
  for (const entry of batch.slow) recordSlow(entry)
}

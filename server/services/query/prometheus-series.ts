// The query layer's per-statement buckets in the shape /metrics renders
// (db_query_duration_seconds, label `query`): built at scrape time, nothing on the statement path.
import { allStatements, QUERY_SECONDS_BOUNDS } from './stats.ts'

export { QUERY_SECONDS_BOUNDS }

export interface QuerySeries {
  labels: { query: string }
  counts: ArrayLike<number>
  /** Seconds. */
  sum: number
  count: number
}

export function* querySeries(): Generator<QuerySeries> {
  for (const s of allStatements()) {
    if (s.histogram.count === 0) continue
    yield { labels: { query: s.name }, counts: s.buckets, sum: s.histogram.sum / 1000, count: s.histogram.count }
  }
}

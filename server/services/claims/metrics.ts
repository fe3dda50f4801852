// Claims metrics, read from the daily rollup (claims_daily) rather than the claims table: a
// two-year range is a few thousand rollup rows whatever the number of claims. Still a scan of
// those rows per request, so it runs on a reader thread within the query time limit.
import type { NamedQuery } from '../query/index.ts'
import { hintedQuery, withIndexRetry } from '../query/index-presence.ts'
import { readAll } from '../query/off-thread.ts'
import type { GroupBy, MetricsQuery } from './schemas.ts'
import type { ClaimsMetrics, MetricsFields } from './responses.ts'
import { dayBucketSql } from '../../database/dialect.ts'
import { addDays, daysInclusive, utcDay } from '../days.ts'
import { CLAIM_STATUSES } from '../../../contract/claim-statuses.ts'

export type { MetricsFields } from './responses.ts'
/** What GET /claims/metrics answers (its zod schema is the contract). */
export type MetricsResult = ClaimsMetrics

/** Without `from`, metrics cover the year up to `to` (default: today, UTC). */
export const DEFAULT_METRICS_DAYS = 365

const SUMS = `coalesce(sum(claims), 0) AS claims, coalesce(sum(submitted), 0) AS submitted, coalesce(sum(pending), 0) AS pending,
  coalesce(sum(approved), 0) AS approved, coalesce(sum(denied), 0) AS denied, coalesce(sum(paid), 0) AS paid,
  coalesce(sum(appealed), 0) AS appealed, coalesce(sum(billed_cents), 0) AS billedCents,
  coalesce(sum(paid_cents), 0) AS paidCents, coalesce(sum(denied_cents), 0) AS deniedCents`

type Range = { from: string, to: string }
type Row = Omit<MetricsFields, 'denialRate'>

// Totals and time buckets read the 'payer' dimension: every claim counts once in it, and it has
// the fewest keys per day (8 payers against 60 providers).
const WHERE = `WHERE dim = @dim AND day BETWEEN @from AND @to`

// Weeks are keyed by their Monday, months as YYYY-MM (dayBucketSql).
// Time buckets read the window's rows through (dim, day, key). A grouping by a dimension's key
// over a long window walks the covering (dim, key, day, sums...) index instead: rows come in key
// order, so GROUP BY needs no sort, and none is looked up in the table (a year by provider is
// 22,000 rollup rows: 7 ms instead of 17). `+day` keeps SQLite from a skip-scan of that index,
// which reads only the window but then sorts it for GROUP BY. The walk reads the dimension's
// whole history, so a short window reads its own rows through (dim, day, key) and sorts them.
const BUCKET_KEY: Record<GroupBy, { dim: string, key: string, byKey: boolean }> = {
  day: { dim: 'payer', key: dayBucketSql('day'), byKey: false },
  week: { dim: 'payer', key: dayBucketSql('week'), byKey: false },
  month: { dim: 'payer', key: dayBucketSql('month'), byKey: false },
  provider: { dim: 'provider', key: 'key', byKey: true },
  payer: { dim: 'payer', key: 'key', byKey: true },
  denialReason: { dim: 'denial_reason', key: 'key', byKey: true },
}

/** Windows up to this many days read their own rows; longer ones walk the key index. */
export const SHORT_WINDOW_DAYS = 92

type GroupQuery = () => NamedQuery<Range & { dim: string }, Row & { key: string }>
const queryName = (groupBy: string) => `claims.metrics.by${groupBy[0]!.toUpperCase()}${groupBy.slice(1)}`
const byWindow = (key: string) => (hint: string) => `SELECT ${key} AS key, ${SUMS} FROM claims_daily${hint}
  ${WHERE} GROUP BY ${key} ORDER BY ${key}`

const byGroup = Object.fromEntries(Object.entries(BUCKET_KEY).map(([groupBy, { key }]) => [
  groupBy, hintedQuery(queryName(groupBy), 'idx_claims_daily_dim_day_key', byWindow(key)) as GroupQuery,
])) as Record<GroupBy, GroupQuery>

const byKeyWalk = Object.fromEntries(Object.entries(BUCKET_KEY).filter(([, b]) => b.byKey).map(([groupBy]) => [
  groupBy,
  hintedQuery(`${queryName(groupBy)}[long]`, 'idx_claims_daily_dim_key_day', hint => `SELECT key, ${SUMS} FROM claims_daily${hint}
    WHERE dim = @dim AND +day BETWEEN @from AND @to GROUP BY key ORDER BY key`) as GroupQuery,
])) as Partial<Record<GroupBy, GroupQuery>>

// The summed counters: one per status, in the contract's order, from the one list of statuses.
const FIELDS = ['claims', ...CLAIM_STATUSES, 'billedCents', 'paidCents', 'deniedCents'] as const satisfies readonly (keyof MetricsFields)[]

/** Every claim counts once in each dimension, so the series (all its keys) adds up to the totals. */
function sumOf(series: Row[]): Row {
  const total = Object.fromEntries(FIELDS.map(f => [f, 0])) as Row
  for (const row of series) for (const f of FIELDS) total[f] += row[f]
  return total
}

export function withRate<T extends Row>(row: T): T & { denialRate: number } {
  return { ...row, denialRate: row.claims === 0 ? 0 : row.denied / row.claims }
}

export function resolveRange(q: { from?: string, to?: string }, defaultDays: number): Range {
  const to = q.to ?? utcDay()
  const from = q.from ?? addDays(to, -(defaultDays - 1))
  return { from, to }
}

export async function claimsMetrics(q: MetricsQuery): Promise<MetricsResult> {
  const range = resolveRange(q, DEFAULT_METRICS_DAYS)
  const { dim } = BUCKET_KEY[q.groupBy]
  const days = daysInclusive(range.from, range.to)
  const query = (days > SHORT_WINDOW_DAYS ? byKeyWalk[q.groupBy] : undefined) ?? byGroup[q.groupBy]
  const series = (await withIndexRetry(() => readAll(query(), { ...range, dim }))).map(withRate)
  const totals = withRate(sumOf(series))
  // Dimension keys with no claims (a reason only on denied claims) are '' in the rollup.
  const visible = q.groupBy === 'denialReason' ? series.filter(s => s.key !== '') : series
  return {
    ...range,
    groupBy: q.groupBy,
    totals,
    series: visible,
  }
}

// Claims metrics, read from the daily rollup (claims_daily) rather than the claims table: a
// two-year range is a few thousand rollup rows whatever the number of claims.
import { defineQuery, type NamedQuery } from '../query/index.ts'
import type { GroupBy, MetricsQuery } from './schemas.ts'

export interface MetricsFields {
  claims: number
  submitted: number
  pending: number
  approved: number
  denied: number
  paid: number
  appealed: number
  billedCents: number
  paidCents: number
  deniedCents: number
  denialRate: number
}

export interface MetricsResult {
  from: string
  to: string
  groupBy: GroupBy
  totals: MetricsFields
  series: (MetricsFields & { key: string })[]
}

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

const totals = defineQuery<Range & { dim: string }, Row>('claims.metrics.totals', `SELECT ${SUMS} FROM claims_daily ${WHERE}`)

// The week is keyed by its Monday.
const BUCKET_KEY: Record<GroupBy, { dim: string, key: string }> = {
  day: { dim: 'payer', key: 'day' },
  week: { dim: 'payer', key: `date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')` },
  month: { dim: 'payer', key: 'substr(day, 1, 7)' },
  provider: { dim: 'provider', key: 'key' },
  payer: { dim: 'payer', key: 'key' },
  denialReason: { dim: 'denial_reason', key: 'key' },
}

const byGroup = Object.fromEntries(Object.entries(BUCKET_KEY).map(([groupBy, { key }]) => [
  groupBy,
  defineQuery<Range & { dim: string }, Row & { key: string }>(`claims.metrics.by${groupBy[0]!.toUpperCase()}${groupBy.slice(1)}`,
    `SELECT ${key} AS key, ${SUMS} FROM claims_daily ${WHERE} GROUP BY ${key} ORDER BY ${key}`),
])) as Record<GroupBy, NamedQuery<Range & { dim: string }, Row & { key: string }>>

export function withRate<T extends Row>(row: T): T & { denialRate: number } {
  return { ...row, denialRate: row.claims === 0 ? 0 : row.denied / row.claims }
}

export function utcToday(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function resolveRange(q: { from?: string, to?: string }, defaultDays: number): Range {
  const to = q.to ?? utcToday()
  const from = q.from ?? addDays(to, -(defaultDays - 1))
  return { from, to }
}

export function claimsMetrics(q: MetricsQuery): MetricsResult {
  const range = resolveRange(q, DEFAULT_METRICS_DAYS)
  const { dim } = BUCKET_KEY[q.groupBy]
  const series = byGroup[q.groupBy].all({ ...range, dim }).map(withRate)
  // Dimension keys with no claims (a reason only on denied claims) are '' in the rollup.
  const visible = q.groupBy === 'denialReason' ? series.filter(s => s.key !== '') : series
  return {
    ...range,
    groupBy: q.groupBy,
    totals: withRate(totals.get({ ...range, dim: 'payer' })!),
    series: visible,
  }
}

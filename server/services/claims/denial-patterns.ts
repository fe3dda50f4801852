// Recurring denials: (denialReason, provider, payer) combinations in a period, with their share
// of all denials and their trend against the previous period of equal length. One pass over the
// denied claims of both periods (idx_claims_status_date: status = 'denied' and a date range).
import { defineQuery } from '../query/index.ts'
import { hintedQuery, withIndexRetry } from '../query/index-presence.ts'
import { readAll } from '../query/off-thread.ts'
import { addDays, daysInclusive } from '../days.ts'
import { resolveRange } from './metrics.ts'
import type { DenialPatternsQuery } from './schemas.ts'
import type { DenialPatterns } from './responses.ts'

/** Without `from`, patterns cover the last 90 days up to `to`. */
export const DEFAULT_PATTERN_DAYS = 90

/** One (reason, provider, payer) row of GET /claims/denial-patterns (its zod schema is the contract). */
export type DenialPattern = DenialPatterns['data'][number]

type Params = {
  prevFrom: string
  from: string
  to: string
  minCount: number
  limit: number
}

// A scan of every denial in both periods and a sort: on a reader thread, within the time limit.
const patterns = hintedQuery<Params, Omit<DenialPattern, 'share' | 'trend' | 'providerName'>>('claims.denialPatterns', 'idx_claims_status_date', hint => `
  SELECT denial_reason AS denialReason, provider_id AS providerId, payer,
    sum(date_of_service >= @from) AS count,
    sum(CASE WHEN date_of_service >= @from THEN billed_cents ELSE 0 END) AS deniedCents,
    sum(date_of_service < @from) AS previousCount
  FROM claims${hint}
  WHERE status = 'denied' AND date_of_service BETWEEN @prevFrom AND @to
  GROUP BY denial_reason, provider_id, payer
  HAVING count >= @minCount
  ORDER BY count DESC, deniedCents DESC
  LIMIT @limit`)

const deniedTotal = defineQuery<{ from: string, to: string }, { denied: number }>('claims.denialPatterns.total',
  `SELECT coalesce(sum(denied), 0) AS denied FROM claims_daily WHERE dim = 'payer' AND day BETWEEN @from AND @to`)

const providerNames = defineQuery<{ ids: string }, { id: number, name: string }>('claims.denialPatterns.providers',
  'SELECT id, name FROM providers WHERE id IN (SELECT value FROM json_each(@ids))')

export async function denialPatterns(q: DenialPatternsQuery) {
  const { from, to } = resolveRange(q, DEFAULT_PATTERN_DAYS)
  const days = daysInclusive(from, to)
  const prevFrom = addDays(from, -days)
  const rows = await withIndexRetry(() => readAll(patterns(), { prevFrom, from, to, minCount: q.minCount, limit: q.limit }))
  const total = deniedTotal.get({ from, to })!.denied
  const names = new Map(providerNames.all({ ids: JSON.stringify([...new Set(rows.map(r => r.providerId))]) }).map(p => [p.id, p.name]))
  return {
    from,
    to,
    previous: { from: prevFrom, to: addDays(from, -1) },
    totalDenied: total,
    data: rows.map(r => ({
      ...r,
      providerName: names.get(r.providerId) ?? '',
      share: total === 0 ? 0 : r.count / total,
      trend: r.previousCount === 0 ? null : (r.count - r.previousCount) / r.previousCount,
    })),
  }
}

// The exact total for GET /api/v1/claims?count=true.
// - Filters the rollup can answer (statuses, a date range and at most one of provider, payer or
//   denial reason) are summed from claims_daily: a few hundred rows at most.
// - Otherwise the claims are counted through the narrowest index, on a reader thread within the
//   query time limit (query/off-thread.ts), so the event loop stays free whatever the estimate.
import { CLAIM_STATUSES } from '../../database/schema.ts'
import { defineQuery, type NamedQuery } from '../query/index.ts'
import { withIndexRetry } from '../query/index-presence.ts'
import { readOne } from '../query/off-thread.ts'
import { filterTerms, hintOf, sortColumnOf } from './list.ts'
import { countPath } from './planner.ts'
import type { ListClaimsQuery } from './schemas.ts'

type Params = Record<string, string | number>

const cache = new Map<string, NamedQuery<Params, { n: number }>>()
function countQuery(name: string, sql: string) {
  let q = cache.get(sql)
  if (!q) cache.set(sql, q = defineQuery<Params, { n: number }>(name, sql))
  return q
}

function rollupCount(q: ListClaimsQuery): NamedQuery<Params, { n: number }> | undefined {
  const dims = [['provider', q.providerId], ['payer', q.payer], ['denial_reason', q.denialReason]].filter(([, v]) => v !== undefined)
  if (dims.length > 1 || q.minBilledCents !== undefined || q.maxBilledCents !== undefined) return undefined
  const statuses = q.status?.length ? [...new Set(q.status)].sort() : undefined
  const measure = statuses ? statuses.join(' + ') : 'claims'
  const where = [`dim = '${dims[0]?.[0] ?? 'payer'}'`]
  if (dims.length) where.push('key = @key')
  if (q.from) where.push('day >= @from')
  if (q.to) where.push('day <= @to')
  const name = `claims.count.rollup[${dims[0]?.[0] ?? 'all'};${statuses?.join(',') ?? 'any'}${q.from ? ';from' : ''}${q.to ? ';to' : ''}]`
  // Status names are a closed set (the enum), so naming them as columns here is safe.
  if (statuses?.some(s => !(CLAIM_STATUSES as readonly string[]).includes(s))) return undefined
  return countQuery(name, `SELECT coalesce(sum(${measure}), 0) AS n FROM claims_daily WHERE ${where.join(' AND ')}`)
}

export function countClaims(q: ListClaimsQuery): Promise<number> {
  return withIndexRetry(() => countOnce(q))
}

async function countOnce(q: ListClaimsQuery): Promise<number> {
  const viaRollup = rollupCount(q)
  if (viaRollup) {
    const key = q.providerId !== undefined ? String(q.providerId) : q.payer ?? q.denialReason
    const params: Params = {}
    if (key !== undefined) params.key = key
    if (q.from) params.from = q.from
    if (q.to) params.to = q.to
    return viaRollup.get(params)!.n
  }
  const { terms, params } = filterTerms(q)
  const path = countPath(q, sortColumnOf(q))
  const name = `claims.count[${path.index.replace('idx_claims_', '') || 'unhinted'};${Object.keys(params).join(',')}]`
  const query = countQuery(name, `SELECT count(*) AS n FROM claims${hintOf(path)} WHERE ${terms.join(' AND ')}`)
  const row = await readOne(query, params)
  return row?.n ?? 0
}

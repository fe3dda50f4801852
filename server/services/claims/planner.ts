// Which index serves a claims listing, decided here rather than left to chance. Every candidate
// is a named index (the statement says INDEXED BY), so plans are stable and testable. An index
// that is missing (an operator dropped it) is no candidate: the planner picks among the others,
// and with none left the statement names no index and SQLite chooses (index-presence.ts).
//
// Candidates: each equality filter's (filter, date_of_service, id) index, the date index for a
// date range, the billed index for an amount range, and the sort key's own index. An index that
// yields rows in the requested order costs about `limit / density` steps for a page and needs no
// sort; one that does not costs its whole range plus a sort. The planner estimates both from the
// claims rollup, whose per-day counts per provider, payer and denial reason (and per status
// within each) are exact, assuming the dimensions independent; an amount range is measured by a
// bounded probe. It picks the cheaper, so a page never walks far: at worst about
// sqrt(limit × claims) rows (PERFORMANCE_TUNING.md, "Claims list").
import { defineQuery, type NamedQuery } from '../query/index.ts'
import { expectIndexes, hasIndex, indexedBy } from '../query/index-presence.ts'
import type { ListClaimsQuery } from './schemas.ts'

/** The path of a statement that names no index (every index it could use is missing). */
export const UNHINTED = ''

export type SortColumn = 'date_of_service' | 'billed_cents' | 'submitted_at'
export type Params = Record<string, string | number>

export interface AccessPath {
  index: string
  /** True when walking the index yields rows in the requested order. */
  ordered: boolean
  /** Estimated rows in the index range this request reads (before the other filters). */
  rows?: number
  /**
   * On idx_claims_submitted with a date range: the submitted_at bounds of the claims of those
   * days (from the rollup). The statement adds them as a range, which changes no answer but
   * keeps the walk inside the stretch of the index those claims occupy.
   */
  submitted?: { lo: number, hi: number }
  /** On idx_claims_status_date with several statuses: one ordered range per status, merged. */
  perStatus?: boolean
  /**
   * An ordered walk the estimate chose although some filter is not part of its index range:
   * the walk is capped (list.ts) and, if the cap comes before a full page, the rest of the page
   * is read through this path (the cheapest that reads its range and sorts).
   */
  fallback?: AccessPath
  /** The rollup's exact counts show that no claim matches: the page is empty, nothing is read. */
  none?: boolean
}

/** An amount range smaller than this is read through idx_claims_billed and sorted. */
let probeCap = 4000

/** An ordered walk chosen by estimate stops after this many index entries (or ten pages). */
let walkCap = 2000

/** Tuning (and tests, whose data sets are small) can move the probe's and the walk's bounds. */
export function configurePlanner(options: { probeCap: number, walkCap?: number }): void {
  probeCap = options.probeCap
  walkCap = options.walkCap ?? 2000
}

/**
 * Index entries a capped walk may visit for a page of `limit` rows, in two stages. The first
 * stage is at least walkCap entries (or ten pages): enough for a walk that goes as estimated,
 * and its covering OFFSET probe costs little. A walk that is not done by then goes on up to half
 * of what the fallback reads (at most 40,000 entries), so a walk that gives up has cost at most
 * half again of reading the fallback's range straight away.
 */
export function walkCapsFor(limit: number, fallbackRows = 0): [number, number] {
  const first = Math.max(walkCap, 10 * limit)
  return [first, Math.max(first, Math.min(Math.floor(fallbackRows / 2), 40_000))]
}

export const SORT_INDEX: Record<SortColumn, string> = {
  date_of_service: 'idx_claims_date',
  billed_cents: 'idx_claims_billed',
  submitted_at: 'idx_claims_submitted',
}

const DIMENSIONS = [
  { field: 'denialReason', dim: 'denial_reason', index: 'idx_claims_denial_date' },
  { field: 'providerId', dim: 'provider', index: 'idx_claims_provider_date' },
  { field: 'payer', dim: 'payer', index: 'idx_claims_payer_date' },
] as const

const ROLLUP_KEY_INDEX = 'idx_claims_daily_dim_key_day'

expectIndexes('claims list and count', [...Object.values(SORT_INDEX), ...DIMENSIONS.map(d => d.index), 'idx_claims_status_date', 'idx_claims_provider_billed', ROLLUP_KEY_INDEX])

type Sizes = { rows: number, matches: number, lo: number | null, hi: number | null, unknown: number }
const rollupSizes = new Map<string, NamedQuery<Params, Sizes>>()

/**
 * Claims in the rollup for one key (or all keys) of a dimension: all, and those with the
 * statuses; with `bounds`, also their submitted_at bounds. Without them the sums come from the
 * covering (dim, key, day, sums) index alone.
 */
function sizes(dim: string, key: string | undefined, statuses: string[] | undefined, q: ListClaimsQuery, bounds = false): Sizes {
  const matches = statuses?.length ? statuses.join(' + ') : 'claims'
  const where = [`dim = '${dim}'`]
  const params: Params = {}
  if (key !== undefined) (where.push('key = @key'), params.key = key)
  if (q.from) (where.push('day >= @from'), params.from = q.from)
  if (q.to) (where.push('day <= @to'), params.to = q.to)
  // lo/hi: submitted_at bounds of these claims; unknown: rows whose bounds are not recorded.
  const hint = bounds ? '' : indexedBy(ROLLUP_KEY_INDEX)
  const sql = `SELECT coalesce(sum(claims), 0) AS rows, coalesce(sum(${matches}), 0) AS matches, `
    + (bounds
      ? `min(min_submitted_at) AS lo, max(max_submitted_at) AS hi, count(*) - count(min_submitted_at) AS unknown FROM claims_daily`
      : `NULL AS lo, NULL AS hi, 0 AS unknown FROM claims_daily${hint}`)
    + ` WHERE ${where.join(' AND ')}`
  let stmt = rollupSizes.get(sql)
  if (!stmt) {
    const name = `claims.plan.sizes[${key === undefined ? dim : `${dim}=`};${statuses?.join(',') ?? 'all'}${q.from ? ';from' : ''}${q.to ? ';to' : ''}${bounds ? ';bounds' : ''}${bounds || hint ? '' : ';unhinted'}]`
    rollupSizes.set(sql, stmt = defineQuery<Params, Sizes>(name, sql))
  }
  return stmt.get(params)!
}

const billedProbes = new Map<string, NamedQuery<Params, { n: number }>>()

/**
 * Claims in the amount range (of one provider, if given), counting no further than the probe's
 * bound. Without its index the probe could scan every claim on the event loop: it is not made,
 * and the range counts as large.
 */
function probeBilled(q: ListClaimsQuery, providerId?: number): number {
  const index = providerId === undefined ? 'idx_claims_billed' : 'idx_claims_provider_billed'
  if (!hasIndex(index)) return probeCap
  const terms: string[] = []
  const params: Params = { cap: probeCap }
  if (providerId !== undefined) (terms.push('provider_id = @providerId'), params.providerId = providerId)
  if (q.minBilledCents !== undefined) (terms.push('billed_cents >= @minBilled'), params.minBilled = q.minBilledCents)
  if (q.maxBilledCents !== undefined) (terms.push('billed_cents <= @maxBilled'), params.maxBilled = q.maxBilledCents)
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM claims INDEXED BY ${index} WHERE ${terms.join(' AND ')} LIMIT @cap)`
  let stmt = billedProbes.get(sql)
  if (!stmt) billedProbes.set(sql, stmt = defineQuery<Params, { n: number }>(`claims.plan.probeBilled[${Object.keys(params).filter(k => k !== 'cap').join(',')}]`, sql))
  return stmt.get(params)!.n
}

export interface Estimate {
  /** Every claim (the sort index's whole length). */
  total: number
  /** Claims in the date range. */
  inRange: number
  /** Estimated claims matching every filter. */
  matches: number
  /** An exact count (the rollup's, per key and status, or a probe's) is zero. */
  none: boolean
  paths: AccessPath[]
}

const estimates = new WeakMap<ListClaimsQuery, Map<SortColumn, Estimate>>()

/**
 * The estimate for one parsed request, made once: a page and its count (`count=true`) both plan
 * from the same request object, and the rollup reads behind an estimate are its cost.
 */
export function estimate(q: ListClaimsQuery, sort: SortColumn): Estimate {
  let bySort = estimates.get(q)
  if (!bySort) estimates.set(q, bySort = new Map())
  let made = bySort.get(sort)
  if (!made) bySort.set(sort, made = estimateNow(q, sort))
  return made
}

/** The candidate paths with their sizes, and the estimated number of matching claims. */
function estimateNow(q: ListClaimsQuery, sort: SortColumn): Estimate {
  const statuses = q.status?.length ? [...new Set(q.status)].sort() : undefined
  const all = sizes('payer', undefined, statuses, { ...q, from: undefined, to: undefined })
  const range = q.from || q.to ? sizes('payer', undefined, statuses, q, sort === 'submitted_at') : all
  const byDate = sort === 'date_of_service'
  const paths: AccessPath[] = []
  let fraction = range.rows === 0 ? 0 : range.matches / range.rows
  // The rollup counts each key's claims per status exactly, so each is an upper bound of the
  // matches: one at zero means none (a reason never given to submitted claims, a payer with no
  // appeals in the range).
  let none = range.matches === 0
  const byBilled = sort === 'billed_cents'
  const billedRange = q.minBilledCents !== undefined || q.maxBilledCents !== undefined
  let providerRows = 0
  for (const d of DIMENSIONS) {
    const value = q[d.field]
    if (value === undefined) continue
    const s = sizes(d.dim, String(value), statuses, q)
    paths.push({ index: d.index, ordered: byDate, rows: s.rows })
    if (d.dim === 'provider') providerRows = s.rows
    if (s.matches === 0) none = true
    // Within the status filter, the share of claims this key holds.
    fraction *= range.matches === 0 ? 0 : s.matches / range.matches
  }
  // A claim's status follows its age (recent claims are still submitted or pending), so walking
  // the date index for a status can step over weeks of others: the status's own range does not.
  if (statuses?.length === 1) paths.push({ index: 'idx_claims_status_date', ordered: byDate, rows: range.matches })
  // Several statuses: with the date sort, one ordered range per status, merged; otherwise
  // their ranges read and sorted.
  else if (statuses) paths.push({ index: 'idx_claims_status_date', ordered: byDate, rows: range.matches, perStatus: byDate })
  if (q.from || q.to) paths.push({ index: 'idx_claims_date', ordered: byDate, rows: range.rows })
  let matches = range.rows * fraction
  if (q.providerId !== undefined) {
    // A provider's claims in amount order: exact whatever its amounts (they follow its
    // specialty, so along idx_claims_billed they bunch instead of spreading).
    let rows = providerRows
    if (billedRange) {
      const inBilled = probeBilled(q, q.providerId)
      if (inBilled < probeCap) (rows = inBilled, matches = Math.min(matches, inBilled), none ||= inBilled === 0)
    }
    paths.push({ index: 'idx_claims_provider_billed', ordered: byBilled, rows })
  }
  if (billedRange) {
    const inBilled = probeBilled(q)
    const exact = inBilled < probeCap
    paths.push({ index: 'idx_claims_billed', ordered: byBilled, rows: exact ? inBilled : all.rows })
    if (exact) (matches = Math.min(matches, inBilled), none ||= inBilled === 0)
  }
  if (sort === 'submitted_at' && (q.from || q.to) && range.unknown === 0 && range.lo !== null && range.hi !== null) {
    // submitted_at follows date_of_service, so the claims of a date range sit in one stretch of
    // idx_claims_submitted: walk only that stretch. It holds about as many claims per
    // millisecond as the date range does (its length over the range's, at least 1).
    const days = (Date.parse(`${q.to ?? new Date(range.hi).toISOString().slice(0, 10)}T00:00:00Z`)
      - Date.parse(`${q.from ?? new Date(range.lo).toISOString().slice(0, 10)}T00:00:00Z`)) / 86_400_000 + 1
    const rows = range.rows * Math.max(1, (range.hi - range.lo) / (days * 86_400_000))
    paths.push({ index: 'idx_claims_submitted', ordered: true, rows, submitted: { lo: range.lo, hi: range.hi } })
  }
  if (!paths.some(p => p.index === SORT_INDEX[sort])) paths.push({ index: SORT_INDEX[sort], ordered: true, rows: all.rows })
  const present = paths.filter(p => hasIndex(p.index))
  // Every candidate is gone: SQLite picks, and the estimate assumes it reads everything and sorts.
  if (present.length === 0) present.push({ index: UNHINTED, ordered: false, rows: all.rows })
  return { total: all.rows, inRange: range.rows, matches, none, paths: present }
}

/** Expected index entries visited to produce one page through `path`. */
export function pageCost(path: AccessPath, matches: number, limit: number): number {
  const rows = path.rows ?? 0
  if (!path.ordered) return rows * 1.2 // read all, then sort
  // Claims are stored in about date order, so walks in date or submission order (and range
  // reads of the (filter, date) indexes) look rows up in neighbouring pages; a walk in amount
  // order looks each up somewhere else in the table, measured at several times the cost.
  const scattered = path.index.endsWith('billed') ? 4 : 1
  // Walking in order, a page needs limit matches; the range holds `matches` of them at most.
  if (matches <= limit) return rows * scattered
  // Assume matches spread evenly along the range.
  return Math.min(rows, (limit * rows) / matches) * scattered
}

/**
 * The path for one page. Fast paths need no estimate: no filter at all walks the sort index;
 * a single equality filter with the date sort walks that filter's index.
 */
export function choosePath(q: ListClaimsQuery, sort: SortColumn): AccessPath {
  const eqFilters = DIMENSIONS.filter(d => q[d.field] !== undefined)
  const hasRange = q.from !== undefined || q.to !== undefined || q.minBilledCents !== undefined || q.maxBilledCents !== undefined
  const multiStatus = (q.status?.length ?? 0) > 1
  const fast = (index: string): AccessPath | undefined => hasIndex(index) ? { index, ordered: true } : undefined
  if (eqFilters.length === 0 && !q.status?.length && !hasRange) {
    const path = fast(SORT_INDEX[sort])
    if (path) return path
  }
  else if (sort === 'date_of_service' && !multiStatus && q.minBilledCents === undefined && q.maxBilledCents === undefined) {
    const single = [...eqFilters.map(d => d.index), ...(q.status?.length === 1 ? ['idx_claims_status_date'] : [])]
    const path = single.length === 1 ? fast(single[0]!) : single.length === 0 ? fast('idx_claims_date') : undefined
    if (path) return path
  }
  const { paths, matches, none } = estimate(q, sort)
  // Nothing is read: any present path will do for the (unexecuted) statement.
  if (none) return hasIndex(SORT_INDEX[sort]) ? { index: SORT_INDEX[sort], ordered: true, none } : { ...paths[0]!, none }
  const ranked = paths
    .map(path => ({ path, cost: pageCost(path, matches, q.limit + 1) }))
    .sort((a, b) => a.cost - b.cost || Number(b.path.ordered) - Number(a.path.ordered))
  const best = ranked[0]!.path
  // The estimate assumes the other filters spread evenly along the walk; when the data
  // disagrees (a status that follows age, a reason only on old claims), the cap bounds the walk.
  // A date range on idx_claims_submitted with the rollup's bounds counts as bounded: the walk
  // stays in the stretch those days were submitted in.
  const bounds = best.submitted ? ['from', 'to'] : []
  const unbounded = Object.keys(q).some(k => FILTER_FIELDS.includes(k) && q[k as keyof ListClaimsQuery] !== undefined
    && !INDEX_FILTERS[best.index]!.includes(k) && !bounds.includes(k))
  const fallback = ranked.find(r => !r.path.ordered)?.path
  return best.ordered && !best.perStatus && unbounded && fallback ? { ...best, fallback } : best
}

const FILTER_FIELDS = ['status', 'providerId', 'payer', 'denialReason', 'from', 'to', 'minBilledCents', 'maxBilledCents']

/** The filters each index's range applies by itself (the rest are checked row by row). */
export const INDEX_FILTERS: Record<string, string[]> = {
  [UNHINTED]: [],
  idx_claims_date: ['from', 'to'],
  idx_claims_billed: ['minBilledCents', 'maxBilledCents'],
  idx_claims_submitted: [],
  idx_claims_status_date: ['status', 'from', 'to'],
  idx_claims_provider_date: ['providerId', 'from', 'to'],
  idx_claims_payer_date: ['payer', 'from', 'to'],
  idx_claims_denial_date: ['denialReason', 'from', 'to'],
  idx_claims_provider_billed: ['providerId', 'minBilledCents', 'maxBilledCents'],
}

/**
 * The narrowest index for counting every match (order does not matter). It reads the page's own
 * estimate (under the request's sort); a stretch of idx_claims_submitted is left out, as its
 * bounds are a page's, not terms the count applies.
 */
export function countPath(q: ListClaimsQuery, sort: SortColumn): AccessPath {
  const { paths } = estimate(q, sort)
  return paths.filter(p => !p.submitted).sort((a, b) => (a.rows ?? 0) - (b.rows ?? 0))[0] ?? { index: UNHINTED, ordered: false }
}

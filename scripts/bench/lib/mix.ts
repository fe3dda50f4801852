// The requests the bench sends: deterministic (seeded) streams of API paths that look like real
// use. Uncached on purpose: each path draws its window, id or cursor at random from the data
// (a claim id out of a million, a date range out of tens of thousands, a cursor at any depth),
// so a response cache, once there is one, sees almost no repeats. The load worker also sends
// `Cache-Control: no-cache` and counts `X-Cache: HIT` answers, so a cache that served anything
// shows up in the report instead of silently flattering it.
import { Random } from '../../../server/services/seed/random.ts'
import { addDays, daysInclusive } from '../../../server/services/days.ts'
import { listCursorAt } from '../../../server/services/claims/list.ts'
import { ListClaimsQuery } from '../../../server/services/claims/schemas.ts'

/** One claim drawn at random from the bench database: a cursor at its sort key is a random depth. */
export interface SampleRow {
  id: number
  dateOfService: string
  billedCents: number
  submittedAt: number
}

/** What the generators need to know about the data to ask sensible questions of it. */
export interface MixFacts {
  firstDay: string
  lastDay: string
  maxId: number
  providerIds: number[]
  payers: string[]
  denialReasons: string[]
  sample: SampleRow[]
}

export const GROUP_BYS = ['day', 'week', 'month', 'provider', 'payer', 'denialReason'] as const
export type MixName = 'list' | 'byId' | 'denialPatterns' | `metrics:${(typeof GROUP_BYS)[number]}`

const STATUSES = ['submitted', 'pending', 'approved', 'denied', 'paid', 'appealed'] as const

export { addDays }

/** A window of `length` days that lies inside the data, ending on a random day. */
function window(random: Random, facts: MixFacts, length: number): { from: string, to: string } {
  const span = daysInclusive(facts.firstDay, facts.lastDay) - 1
  const len = Math.min(length, span + 1)
  const to = addDays(facts.firstDay, random.int(len - 1, span))
  return { from: addDays(to, -(len - 1)), to }
}

function weighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0)
  let x = random.next() * total
  for (const [value, w] of choices) {
    x -= w
    if (x < 0) return value
  }
  return choices[choices.length - 1]![0]
}

/**
 * The list cursor the API would issue for these parameters at (sort key, id): a cursor is bound
 * to the filters and sort it was issued for, so it is made from them.
 */
export function encodeCursor(query: URLSearchParams, key: string | number, id: number): string {
  const params: Record<string, string | string[]> = {}
  for (const name of new Set(query.keys())) {
    const all = query.getAll(name)
    params[name] = all.length > 1 ? all : all[0]!
  }
  return listCursorAt(ListClaimsQuery.parse(params), key, id)
}

const SORTS = [['-dateOfService', 45], ['dateOfService', 10], ['-billedCents', 15], ['billedCents', 5], ['-submittedAt', 20], ['submittedAt', 5]] as const

/**
 * GET /api/v1/claims as a dashboard and an integration would call it: mostly the first page of
 * the default sort with a filter or two, sometimes another sort, an amount range, or a page at a
 * random depth (a cursor taken from a random claim).
 */
export function listPath(random: Random, facts: MixFacts): string {
  const q = new URLSearchParams()
  const sort = weighted(random, SORTS)
  if (sort !== '-dateOfService') q.set('sort', sort)
  if (random.chance(0.3)) {
    const n = random.chance(0.8) ? 1 : 2
    for (const s of new Set(Array.from({ length: n }, () => random.pick(STATUSES)))) q.append('status', s)
  }
  const dimension = weighted(random, [['none', 45], ['provider', 20], ['payer', 20], ['denial', 15]] as const)
  if (dimension === 'provider') q.set('providerId', String(random.pick(facts.providerIds)))
  if (dimension === 'payer') q.set('payer', random.pick(facts.payers))
  if (dimension === 'denial') q.set('denialReason', random.pick(facts.denialReasons))
  if (random.chance(0.35)) {
    const { from, to } = window(random, facts, random.pick([7, 30, 90]))
    q.set('from', from)
    q.set('to', to)
  }
  if (random.chance(0.1)) {
    const min = random.int(0, 20) * 10_000
    q.set('minBilledCents', String(min))
    q.set('maxBilledCents', String(min + random.int(1, 10) * 50_000))
  }
  q.set('limit', String(weighted(random, [[50, 75], [20, 10], [100, 12], [500, 3]] as const)))
  if (random.chance(0.3) && facts.sample.length) {
    const row = random.pick(facts.sample)
    const key = sort.endsWith('dateOfService') ? row.dateOfService : sort.endsWith('billedCents') ? row.billedCents : row.submittedAt
    q.set('cursor', encodeCursor(q, key, row.id))
  }
  return `/api/v1/claims?${q}`
}

/** The sort a list path asks for (the API's default when it names none), to break latencies down by it. */
export function listSortOf(path: string): string {
  return new URLSearchParams(path.split('?')[1] ?? '').get('sort') ?? '-dateOfService'
}

/** A path for the report: decoded, with the cursor (an opaque blob) shortened. */
export function describePath(path: string): string {
  return decodeURIComponent(path).replace(/cursor=[^&]*/, 'cursor=…')
}

export function byIdPath(random: Random, facts: MixFacts): string {
  return `/api/v1/claims/${random.int(1, facts.maxId)}`
}

/** A dashboard's ranges: a month, a quarter, half a year or a year, ending on a random day. */
export function metricsPath(random: Random, facts: MixFacts, groupBy: string): string {
  const { from, to } = window(random, facts, weighted(random, [[30, 30], [90, 30], [180, 20], [365, 20]] as const))
  return `/api/v1/claims/metrics?groupBy=${groupBy}&from=${from}&to=${to}`
}

export function denialPatternsPath(random: Random, facts: MixFacts): string {
  const { from, to } = window(random, facts, weighted(random, [[30, 50], [90, 50]] as const))
  return `/api/v1/claims/denial-patterns?from=${from}&to=${to}&limit=${random.pick([10, 20, 50])}`
}

/** An endless, deterministic stream of paths for one endpoint. */
export function requestMix(name: MixName, facts: MixFacts, seed: number): () => string {
  const random = new Random(seed)
  if (name === 'list') return () => listPath(random, facts)
  if (name === 'byId') return () => byIdPath(random, facts)
  if (name === 'denialPatterns') return () => denialPatternsPath(random, facts)
  const groupBy = name.slice('metrics:'.length)
  if (!(GROUP_BYS as readonly string[]).includes(groupBy)) throw new Error(`Unknown request mix ${name}`)
  return () => metricsPath(random, facts, groupBy)
}

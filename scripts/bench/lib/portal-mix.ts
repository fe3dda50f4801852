// The portal's whole traffic in one stream, for `npm run load`, `npm run soak` and the fault tests:
// dashboard reads that the cache answers (a few fixed ranges) and that it cannot (random windows
// sent with `Cache-Control: no-cache`), claim lists with filters, claims by id, health series and
// summaries, Prometheus scrapes and the admin health page, bulk ingests of claims, health points
// and intakes, and sign-ins. Each request is labelled with its route, so answers are counted per
// route. Routes with a `perSecond` cap (ingests, sign-ins, admin reads) are drawn at most that
// often over all connections: real clients do them now and then, not in proportion to the reads.
import { Random } from '../../../server/services/seed/random.ts'
import { METRICS, METRIC_NAMES, SUPPLEMENTS } from '../../../server/services/health/catalog.ts'
import type { Sqlite } from '../../../server/database/connection.ts'
import { newClaims } from './ingest-batch.ts'
import { addDays, byIdPath, denialPatternsPath, listPath, metricsPath, type MixFacts } from './mix.ts'

export interface PortalFacts extends MixFacts {
  /** Pseudonymous personIds with health data, and the last day they have data. */
  people: string[]
  lastHealthDay: string
}

export interface PortalCredentials {
  /** Operator keys; connection i uses keys[i % keys.length]. */
  keys: string[]
  /** For /metrics and /api/v1/admin/*. */
  adminKey: string
  /** A sign-in that succeeds (the bootstrap admin user). */
  login?: { email: string, password: string }
  /**
   * A client that ignores its limit: the first `connections` connections share this key, and the
   * 429s it gets are the intended ones (every other 429 is an error).
   */
  greedy?: { key: string, connections: number }
}

export interface PortalMixSpec {
  facts: PortalFacts
  credentials: PortalCredentials
  seed: number
  /** Route label → weight, replacing the defaults (a weight of 0 leaves a route out). */
  weights?: Record<string, number>
}

export interface MixRequest {
  route: string
  method: 'GET' | 'POST'
  path: string
  /** Which credentials: a connection's own key, the admin key, or none (sign-in). */
  as: 'key' | 'admin' | 'none'
  headers?: Record<string, string>
  body?: string
}

interface Route {
  route: string
  weight: number
  /** At most this many a second over all connections. */
  perSecond?: number
  /** `tag` is new for every request of every stream: what it ingests is new rows. */
  make: (random: Random, facts: PortalFacts, tag: string) => Omit<MixRequest, 'route'>
}

const NO_CACHE = { 'cache-control': 'no-cache' }
const JSON_BODY = { 'content-type': 'application/json' }
/** The dashboard's fixed ranges: the few questions everyone asks, which the cache answers. */
const DASHBOARD_GROUP_BYS = ['month', 'payer', 'denialReason'] as const

function dashboardRange(facts: MixFacts, days: number): string {
  return `from=${addDays(facts.lastDay, -(days - 1))}&to=${facts.lastDay}`
}

/** Distinct past instants for the i-th row of a request: a second apart, from a time of the request's own. */
function instantOf(tag: string, i: number): string {
  const [seed, n] = tag.split('-').map(Number) as [number, number]
  // An hour ago at most (instants must be in the past), a request a 1,000-second slot, a stream a year.
  return new Date(Date.now() - 3_600_000 - ((seed % 20) * 31_536_000 + (n % 31_536) * 1000 + i) * 1000).toISOString()
}

const ROUTES: Route[] = [
  {
    route: 'GET /api/v1/claims/metrics (dashboard, cached)',
    weight: 20,
    make: (r, f) => ({ method: 'GET', path: `/api/v1/claims/metrics?groupBy=${r.pick(DASHBOARD_GROUP_BYS)}&${dashboardRange(f, r.pick([30, 90, 365]))}`, as: 'key' }),
  },
  {
    route: 'GET /api/v1/claims/metrics (uncached)',
    weight: 8,
    make: (r, f) => ({ method: 'GET', path: metricsPath(r, f, r.pick(['day', 'week', 'provider', 'payer'])), as: 'key', headers: NO_CACHE }),
  },
  {
    route: 'GET /api/v1/claims/denial-patterns (dashboard, cached)',
    weight: 6,
    make: (r, f) => ({ method: 'GET', path: `/api/v1/claims/denial-patterns?${dashboardRange(f, r.pick([30, 90]))}&limit=20`, as: 'key' }),
  },
  {
    route: 'GET /api/v1/claims/denial-patterns (uncached)',
    weight: 2,
    make: (r, f) => ({ method: 'GET', path: denialPatternsPath(r, f), as: 'key', headers: NO_CACHE }),
  },
  {
    route: 'GET /api/v1/claims (filters)',
    weight: 22,
    make: (r, f) => ({ method: 'GET', path: listPath(r, f), as: 'key', headers: NO_CACHE }),
  },
  { route: 'GET /api/v1/claims/:id', weight: 8, make: (r, f) => ({ method: 'GET', path: byIdPath(r, f), as: 'key' }) },
  { route: 'GET /api/v1/providers', weight: 3, make: () => ({ method: 'GET', path: '/api/v1/providers', as: 'key' }) },
  {
    route: 'GET /api/v1/health-data/summary (cached)',
    weight: 8,
    make: (r, f) => ({ method: 'GET', path: `/api/v1/health-data/summary?personId=${r.pick(f.people.slice(0, 4))}&metric=${r.pick(['resting_heart_rate', 'sleep_minutes', 'steps'])}&bucket=week&from=${addDays(f.lastHealthDay, -89)}&to=${f.lastHealthDay}`, as: 'key' }),
  },
  {
    route: 'GET /api/v1/health-data (series)',
    weight: 8,
    make: (r, f) => {
      const to = addDays(f.lastHealthDay, -r.int(0, 300))
      return { method: 'GET', path: `/api/v1/health-data?personId=${r.pick(f.people)}&metric=${r.pick(METRIC_NAMES)}&from=${addDays(to, -r.pick([7, 30, 90]))}&to=${to}&limit=200`, as: 'key' }
    },
  },
  { route: 'GET /metrics', weight: 1, perSecond: 2, make: () => ({ method: 'GET', path: '/metrics', as: 'admin' }) },
  { route: 'GET /api/v1/admin/health', weight: 1, perSecond: 2, make: () => ({ method: 'GET', path: '/api/v1/admin/health', as: 'admin' }) },
  {
    route: 'POST /api/v1/claims (50 claims)',
    weight: 2,
    perSecond: 4,
    // A week back from the data's last day, so every submittedAt is in the past.
    make: (r, f, tag) => ({ method: 'POST', path: '/api/v1/claims', as: 'key', headers: JSON_BODY, body: JSON.stringify(newClaims({ ...f, lastDay: addDays(f.lastDay, -7) }, 'load', tag, 50, r.int(1, 1e9))) }),
  },
  {
    route: 'POST /api/v1/health-data (100 points)',
    weight: 2,
    perSecond: 4,
    make: (r, f, tag) => {
      const personId = r.pick(f.people)
      const points = Array.from({ length: 100 }, (_, i) => {
        const m = METRICS[r.pick(METRIC_NAMES)]
        return { personId, metric: m.name, value: Math.round(m.min + (m.max - m.min) * (0.3 + 0.4 * r.next())), at: instantOf(tag, i), source: 'load' }
      })
      return { method: 'POST', path: '/api/v1/health-data', as: 'key', headers: JSON_BODY, body: JSON.stringify(points) }
    },
  },
  {
    route: 'POST /api/v1/supplement-intakes (20 intakes)',
    weight: 2,
    perSecond: 4,
    make: (r, f, tag) => {
      const personId = r.pick(f.people)
      const intakes = Array.from({ length: 20 }, (_, i) => {
        const s = r.pick(SUPPLEMENTS)
        return { personId, supplementId: s.id, takenAt: instantOf(tag, i), dose: s.typicalDose, unit: s.defaultUnit }
      })
      return { method: 'POST', path: '/api/v1/supplement-intakes', as: 'key', headers: JSON_BODY, body: JSON.stringify(intakes) }
    },
  },
  { route: 'POST /api/auth/login', weight: 1, perSecond: 1, make: () => ({ method: 'POST', path: '/api/auth/login', as: 'none', headers: JSON_BODY }) },
]

export const PORTAL_ROUTES: readonly string[] = ROUTES.map(r => r.route)

/**
 * An endless, seeded stream of the portal's requests. `now` is injectable for the caps. Sign-ins
 * are left out without `credentials.login`.
 */
export function portalMix(spec: PortalMixSpec, now: () => number = Date.now): () => MixRequest {
  const random = new Random(spec.seed)
  const routes = ROUTES
    .map(r => ({ ...r, weight: spec.weights?.[r.route] ?? r.weight }))
    .filter(r => r.weight > 0 && (r.route !== 'POST /api/auth/login' || spec.credentials.login))
  const unknown = Object.keys(spec.weights ?? {}).filter(name => !PORTAL_ROUTES.includes(name))
  if (unknown.length) throw new Error(`Unknown route(s) in the mix: ${unknown.join(', ')}`)
  const uncapped = routes.filter(r => !r.perSecond)
  if (!uncapped.length) throw new Error('The mix needs at least one route without a per-second cap')
  const total = routes.reduce((sum, r) => sum + r.weight, 0)
  const last = new Map<string, number>()
  let n = 0
  const login = spec.credentials.login && JSON.stringify(spec.credentials.login)
  return () => {
    let x = random.next() * total
    let route = routes.find(r => (x -= r.weight) < 0) ?? routes[routes.length - 1]!
    if (route.perSecond) {
      const t = now()
      if (t - (last.get(route.route) ?? 0) < 1000 / route.perSecond) route = random.pick(uncapped)
      else last.set(route.route, t)
    }
    const request = { route: route.route, ...route.make(random, spec.facts, `${spec.seed}-${n++}`) }
    return route.route === 'POST /api/auth/login' ? { ...request, body: login } : request
  }
}

/** What the mix needs to know about a database: the claims facts and the people with health data. */
export function portalFacts(sqlite: Sqlite, claims: MixFacts): PortalFacts {
  const people = sqlite.prepare('SELECT p.ref FROM people AS p WHERE EXISTS (SELECT 1 FROM health_daily AS d WHERE d.person_id = p.id) ORDER BY p.id').pluck().all() as string[]
  const lastHealthDay = sqlite.prepare('SELECT max(day) FROM health_daily').pluck().get() as string | null
  if (!people.length || !lastHealthDay) throw new Error('The database has no health data for the mix')
  return { ...claims, people, lastHealthDay }
}

// The load's and the soak's traffic (scripts/bench/lib/portal-mix.ts): every body it sends is one
// the API accepts (a 400 in the load would be the mix's fault, not the portal's), the capped routes
// stay under their cap, and the verdict counts as errors all but the greedy client's 429s.
import { describe, expect, it } from 'vitest'
import type { LoadResult } from '../../scripts/bench/lib/load.ts'
import { portalMix, type MixRequest, type PortalFacts } from '../../scripts/bench/lib/portal-mix.ts'
import { loadProblems } from '../../scripts/bench/lib/portal-run.ts'
import { ClaimInput } from '../../server/services/claims/schemas.ts'
import { HealthPointInput, IntakeInput } from '../../server/services/health/schemas.ts'
import { benchFacts } from './bench-fixture.ts'

const facts: PortalFacts = { ...benchFacts(50, 997), people: ['P00001', 'P00002', 'P00003'], lastHealthDay: '2026-11-24' }
const credentials = { keys: ['ap_a', 'ap_b'], adminKey: 'ap_admin', login: { email: 'admin@example.com', password: 'x'.repeat(20) } }

function draw(n: number, now: () => number): MixRequest[] {
  const next = portalMix({ facts, credentials, seed: 5 }, now)
  return Array.from({ length: n }, next)
}

describe('the portal mix', () => {
  it('sends only bodies the API accepts', () => {
    let t = 0
    const requests = draw(3000, () => (t += 50))
    const schemas: Record<string, { safeParse: (v: unknown) => { success: boolean, error?: unknown } }> = {
      '/api/v1/claims': ClaimInput, '/api/v1/health-data': HealthPointInput, '/api/v1/supplement-intakes': IntakeInput,
    }
    const posts = requests.filter(r => r.method === 'POST' && schemas[r.path])
    expect(new Set(posts.map(r => r.path)).size).toBe(3)
    for (const r of posts) {
      for (const row of JSON.parse(r.body!) as unknown[]) expect(schemas[r.path]!.safeParse(row).success, `${r.route}: ${JSON.stringify(row)}`).toBe(true)
    }
  })

  it('draws a capped route no more often than its cap, and every other route in proportion', () => {
    let t = 0
    // 10 seconds at 1,000 requests a second.
    const requests = draw(10_000, () => (t += 1))
    const count = (route: string) => requests.filter(r => r.route === route).length
    expect(count('POST /api/auth/login')).toBeLessThanOrEqual(11)
    expect(count('POST /api/v1/claims (50 claims)')).toBeLessThanOrEqual(41)
    expect(count('GET /metrics')).toBeLessThanOrEqual(21)
    expect(count('GET /api/v1/claims (filters)')).toBeGreaterThan(1500)
  })

  it('refuses a weight for a route it does not have', () => {
    expect(() => portalMix({ facts, credentials, seed: 1, weights: { 'GET /nowhere': 1 } })).toThrow(/Unknown route/)
  })
})

describe('the verdict of a load run', () => {
  const result = (over: Partial<LoadResult>): LoadResult => ({ requests: 0, durationS: 1, reqPerSec: 0, latency: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 }, non2xx: 0, errors: 0, timeouts: 0, cacheHits: 0, distinctPaths: 0, bytesPerResponse: 0, slowest: [], generatorCpu: 0, ...over })
  const route = (statuses: Record<string, number>) => ({ statuses, cacheHits: 0, latency: { count: 1, p50: 1, p95: 1, p99: 1, max: 1 } })

  it('passes 2xx, 304 and the greedy client\'s 429s', () => {
    expect(loadProblems(result({ routes: { 'GET /a': route({ 200: 10, 304: 2, 429: 5 }) }, unintended429: 0, missingRetryAfter: 0 }))).toEqual([])
  })

  it('fails on a 5xx, another 4xx, a socket error, a timeout and a 429 for a client under its limit', () => {
    // autocannon's errors include its timeouts: 3 errors, 1 of them a timeout.
    expect(loadProblems(result({ errors: 3, timeouts: 1, unintended429: 3, routes: { 'GET /a': route({ 200: 1, 503: 1, 400: 2 }) } }))).toEqual([
      '2 socket errors', '1 timeouts', '3 429s for clients under their limit', 'GET /a: 2 × 400', 'GET /a: 1 × 503',
    ])
  })
})

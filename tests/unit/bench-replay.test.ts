// The cache replay's trace and what the cache scenarios make of the answers: valid questions,
// one canonical spelling per question, the best hit rate a trace allows, X-Cache tallies and the
// difference of two cache-stats readings.
import { describe, expect, it } from 'vitest'
import { DenialPatternsQuery, ListClaimsQuery, MetricsQuery } from '../../server/services/claims/schemas.ts'
import { countsDelta, hitRateOf, tallyCache, type CacheCounts } from '../../scripts/bench/lib/cache-tally.ts'
import { canonicalPath, idealHitRate, pathKind, replayCatalogue, replayStream, shuffleParams } from '../../scripts/bench/lib/replay.ts'
import { cpuPerRequestUs, medianRound, pairedRatio, roundOrder, type Round } from '../../scripts/bench/lib/rounds.ts'
import { Random } from '../../server/services/seed/random.ts'
import { benchFacts, queryOf } from './bench-fixture.ts'

const facts = benchFacts(200, 4999)

describe('bench cache replay trace', () => {
  it('spells a question one way whatever the order of its parameters, keeping repeated names in order', () => {
    expect(canonicalPath('/api/v1/claims?payer=Aetna&limit=50&status=paid&status=denied'))
      .toBe('/api/v1/claims?limit=50&payer=Aetna&status=paid&status=denied')
    expect(canonicalPath('/api/v1/claims?status=denied&status=paid')).not.toBe(canonicalPath('/api/v1/claims?status=paid&status=denied'))
    expect(canonicalPath('/api/v1/claims/17')).toBe('/api/v1/claims/17')
  })

  it('reorders parameters without changing the question', () => {
    const random = new Random(5)
    const path = '/api/v1/claims?sort=-billedCents&status=paid&status=denied&payer=Aetna&from=2026-01-01&to=2026-02-01&limit=50'
    const spellings = new Set(Array.from({ length: 50 }, () => shuffleParams(path, random)))
    expect(spellings.size).toBeGreaterThan(10)
    for (const s of spellings) {
      expect(canonicalPath(s)).toBe(canonicalPath(path))
      expect(new URLSearchParams(s.split('?')[1]).getAll('status')).toEqual(['paid', 'denied'])
    }
    expect(shuffleParams('/api/v1/claims/9', random)).toBe('/api/v1/claims/9')
  })

  it('names the endpoint of a path', () => {
    expect(['/api/v1/claims?limit=5', '/api/v1/claims/metrics?groupBy=day', '/api/v1/claims/denial-patterns', '/api/v1/claims/42', '/api/v1/providers'].map(pathKind))
      .toEqual(['list', 'metrics', 'denialPatterns', 'byId', 'other'])
  })

  it('draws a catalogue of distinct questions the API accepts, every endpoint represented', () => {
    const catalogue = replayCatalogue(facts, 400, 1)
    expect(catalogue).toEqual(replayCatalogue(facts, 400, 1))
    expect(new Set(catalogue.map(canonicalPath)).size).toBe(400)
    const kinds = catalogue.map(pathKind)
    for (const [kind, share] of [['list', 0.4], ['metrics', 0.35], ['byId', 0.15], ['denialPatterns', 0.1]] as const) {
      expect(kinds.filter(k => k === kind).length / catalogue.length, kind).toBeGreaterThan(share - 0.07)
      expect(kinds.filter(k => k === kind).length / catalogue.length, kind).toBeLessThan(share + 0.07)
    }
    for (const path of catalogue) {
      const kind = pathKind(path)
      if (kind === 'list') expect(ListClaimsQuery.safeParse(queryOf(path)).success, path).toBe(true)
      if (kind === 'metrics') expect(MetricsQuery.safeParse(queryOf(path)).success, path).toBe(true)
      if (kind === 'denialPatterns') expect(DenialPatternsQuery.safeParse(queryOf(path)).success, path).toBe(true)
    }
  })

  it('replays a skewed, repeatable trace: the head asked often, about half the requests respelled', () => {
    const spec = { catalogue: 500, exponent: 1, seed: 9 }
    const trace = Array.from({ length: 10_000 }, replayStream(facts, spec))
    expect(trace.slice(0, 300)).toEqual(Array.from({ length: 300 }, replayStream(facts, spec)))
    const catalogue = new Set(replayCatalogue(facts, 500, 9))
    const respelled = trace.filter(p => !catalogue.has(p)).length / trace.length
    expect(respelled).toBeGreaterThan(0.25) // half are shuffled; a shuffle of a one-parameter path is itself
    expect(respelled).toBeLessThan(0.55)
    const counts = new Map<string, number>()
    for (const p of trace) counts.set(canonicalPath(p), (counts.get(canonicalPath(p)) ?? 0) + 1)
    const top = Math.max(...counts.values())
    expect(top / trace.length).toBeGreaterThan(0.1) // rank 1 of 500 at s=1: 1/H(500) ≈ 15%
    expect(counts.size).toBeLessThan(500)
    expect(idealHitRate(trace)).toBeCloseTo(1 - counts.size / trace.length, 10)
  })

  it('counts the best possible hit rate: every first ask a miss, every repeat a hit', () => {
    expect(idealHitRate(['/a?x=1&y=2', '/a?y=2&x=1', '/a?x=1&y=2', '/b'])).toBe(0.5)
    expect(idealHitRate([])).toBeNaN()
  })
})

describe('bench cache tallies', () => {
  it('counts X-Cache per endpoint and per status, and the second half apart', () => {
    const paths = ['/api/v1/claims?limit=1', '/api/v1/claims?limit=1', '/api/v1/claims/5', '/api/v1/claims/metrics?groupBy=day']
    const detail = tallyCache(paths, ['MISS', 'HIT', 'STALE', 'HIT'], [10, 1, 2, 3])
    expect(detail.all.statuses).toEqual({ MISS: 1, HIT: 2, STALE: 1 })
    expect(detail.byKind.list!.statuses).toEqual({ MISS: 1, HIT: 1 })
    expect(detail.byKind.byId!.latency.p50).toBe(2)
    expect(detail.byStatus.HIT!.count).toBe(2)
    expect(detail.byStatus.MISS!.max).toBe(10)
    expect(detail.secondHalf).toEqual({ STALE: 1, HIT: 1 })
  })

  it('takes stale answers as hits and has no rate without lookups', () => {
    expect(hitRateOf({ HIT: 8, STALE: 1, MISS: 1, none: 5 })).toBe(0.9)
    expect(hitRateOf({ none: 3 })).toBeNaN()
  })

  it('subtracts two cache-stats readings, namespace by namespace, leaving out the idle ones', () => {
    const before: CacheCounts = { hits: 10, misses: 5, staleHits: 0, byNamespace: [
      { namespace: 'claims:list', hits: 10, misses: 5, staleHits: 0 },
      { namespace: 'correlations', hits: 0, misses: 0, staleHits: 0 },
    ] }
    const after: CacheCounts = { hits: 100, misses: 15, staleHits: 10, byNamespace: [
      { namespace: 'claims:list', hits: 60, misses: 10, staleHits: 10 },
      { namespace: 'claims:metrics', hits: 40, misses: 5, staleHits: 0 },
      { namespace: 'correlations', hits: 0, misses: 0, staleHits: 0 },
    ] }
    const d = countsDelta(before, after)
    expect([d.hits, d.misses, d.staleHits]).toEqual([90, 10, 10])
    expect(d.hitRate).toBe(100 / 110)
    expect(Object.keys(d.byNamespace)).toEqual(['claims:list', 'claims:metrics'])
    expect(d.byNamespace['claims:list']).toEqual({ hits: 50, misses: 5, staleHits: 10, hitRate: 60 / 65 })
  })
})

describe('bench alternating rounds', () => {
  const round = (reqPerSec: number, serverCpu: number, failed = 0): Round =>
    ({ reqPerSec, p50: reqPerSec / 1000, p95: 1, p99: 2, bytesPerResponse: 100, serverCpu, generatorCpu: 0.5, failed })

  it('alternates the order of the sides from round to round', () => {
    expect([0, 1, 2, 3].map(r => roundOrder(3, r))).toEqual([[0, 1, 2], [2, 1, 0], [0, 1, 2], [2, 1, 0]])
  })

  it('takes the median of each figure and adds up the failures', () => {
    const m = medianRound([round(1000, 0.5), round(3000, 0.9, 2), round(2000, 0.4, 1)])
    expect([m.reqPerSec, m.serverCpu, m.failed]).toEqual([2000, 0.5, 3])
  })

  it('prices a request in server CPU microseconds, whatever share of its core the server got', () => {
    expect(cpuPerRequestUs(round(5000, 0.5))).toBe(100)
    expect(cpuPerRequestUs(round(2500, 0.25))).toBe(100)
    expect(cpuPerRequestUs(round(0, 0))).toBeNaN()
  })
})

describe('bench paired rounds', () => {
  const r = (reqPerSec: number): Round => ({ reqPerSec, p50: 1, p95: 1, p99: 1, bytesPerResponse: 1, serverCpu: 0.5, generatorCpu: 0.5, failed: 0 })

  it('takes the median of the per-round ratios, not the ratio of the medians', () => {
    // A slow stretch hit round 3 of both sides: the pairs say 0.4, 0.5, 0.5; the medians of each side, 400 ÷ 900.
    const stack = [r(400), r(450), r(100)]
    const bare = [r(1000), r(900), r(200)]
    expect(pairedRatio(stack, bare, x => x.reqPerSec)).toBe(0.5)
    expect(medianRound(stack).reqPerSec / medianRound(bare).reqPerSec).toBeCloseTo(0.444, 3)
    expect(pairedRatio([r(1)], [r(0)], x => x.reqPerSec)).toBeNaN()
  })
})

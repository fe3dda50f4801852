// The bench's request mixes and ingest batches: deterministic, valid for the API (a request the
// API rejects would measure a 400, not the endpoint), inside the data, and rarely repeated.
import { describe, expect, it } from 'vitest'
import { ClaimInput, DenialPatternsQuery, ListClaimsQuery, MetricsQuery } from '../../server/services/claims/schemas.ts'
import { newClaims } from '../../scripts/bench/lib/ingest-batch.ts'
import { describePath, GROUP_BYS, listSortOf, requestMix } from '../../scripts/bench/lib/mix.ts'
import { benchFacts, queryOf } from './bench-fixture.ts'

const facts = benchFacts(500, 1999)

function take(next: () => string, n: number): string[] {
  return Array.from({ length: n }, next)
}

describe('bench request mixes', () => {
  it('repeat exactly for a seed and differ between seeds', () => {
    expect(take(requestMix('list', facts, 1), 50)).toEqual(take(requestMix('list', facts, 1), 50))
    expect(take(requestMix('list', facts, 1), 50)).not.toEqual(take(requestMix('list', facts, 2), 50))
  })

  it('sends only list requests the API accepts, in every sort, some deep and some filtered', () => {
    const paths = take(requestMix('list', facts, 7), 2000)
    for (const path of paths) {
      expect(path.startsWith('/api/v1/claims?')).toBe(true)
      const parsed = ListClaimsQuery.safeParse(queryOf(path))
      expect(parsed.success, path).toBe(true)
    }
    const sorts = new Set(paths.map(listSortOf))
    expect([...sorts].sort()).toEqual(['-billedCents', '-dateOfService', '-submittedAt', 'billedCents', 'dateOfService', 'submittedAt'])
    const withCursor = paths.filter(p => p.includes('cursor=')).length / paths.length
    expect(withCursor).toBeGreaterThan(0.2)
    expect(withCursor).toBeLessThan(0.4)
    expect(paths.filter(p => p.includes('providerId=') || p.includes('payer=') || p.includes('status=')).length).toBeGreaterThan(paths.length / 3)
    // Uncached: little repeats (only plain first pages do, as they would in real use), so a response
    // cache could hardly flatter the figures; the worker also sends no-cache and counts X-Cache hits.
    expect(new Set(paths).size / paths.length).toBeGreaterThan(0.7)
    expect(new Set(paths.slice(0, 250)).size).toBeGreaterThan(0.8 * 250) // one 5-second run
  })

  it('asks for metrics and denial patterns inside the data, with valid parameters', () => {
    for (const groupBy of GROUP_BYS) {
      for (const path of take(requestMix(`metrics:${groupBy}`, facts, 3), 300)) {
        const q = MetricsQuery.parse(queryOf(path))
        expect(q.groupBy).toBe(groupBy)
        expect(q.from! >= facts.firstDay && q.to! <= facts.lastDay && q.from! <= q.to!, path).toBe(true)
      }
    }
    for (const path of take(requestMix('denialPatterns', facts, 3), 300)) {
      const q = DenialPatternsQuery.parse(queryOf(path))
      expect(q.from! >= facts.firstDay && q.to! <= facts.lastDay, path).toBe(true)
    }
  })

  it('asks for claim ids that exist', () => {
    const ids = take(requestMix('byId', facts, 5), 1000).map(p => Number(p.split('/').pop()))
    expect(ids.every(id => Number.isInteger(id) && id >= 1 && id <= facts.maxId)).toBe(true)
    expect(new Set(ids).size).toBeGreaterThan(990)
  })

  it('rejects a mix it does not know', () => {
    expect(() => requestMix('metrics:hour' as 'list', facts, 1)).toThrow('Unknown request mix metrics:hour')
  })

  it('names the default sort and shortens cursors for the report', () => {
    expect(listSortOf('/api/v1/claims?limit=50')).toBe('-dateOfService')
    expect(listSortOf('/api/v1/claims?sort=billedCents')).toBe('billedCents')
    expect(describePath('/api/v1/claims?from=2026-01-01&cursor=WzEsMl0&limit=5')).toBe('/api/v1/claims?from=2026-01-01&cursor=…&limit=5')
  })
})

describe('bench ingest batches', () => {
  it('are valid new claims for POST /api/v1/claims, unique within the batch', () => {
    const claims = newClaims(facts, 'bench-api', 'run1-3', 5000, 42)
    for (const c of claims) {
      const parsed = ClaimInput.safeParse(c)
      expect(parsed.success, JSON.stringify(c)).toBe(true)
    }
    expect(new Set(claims.map(c => c.sourceId)).size).toBe(5000)
    expect(claims.every(c => c.sourceId.startsWith('run1-3-'))).toBe(true)
    expect(claims.filter(c => c.status === 'denied').length).toBeGreaterThan(200)
  })

  it('are the same rows for the same seed', () => {
    expect(newClaims(facts, 's', 't', 20, 9)).toEqual(newClaims(facts, 's', 't', 20, 9))
  })
})

// The query time limit on the built server. At 200,000 claims, the denial patterns read every
// denial (11,000) and group them: 17 to 27 ms measured on the 2-core machine. With the limit at
// 10 ms (ordinary reads take 1 or 2 ms) that
// read is stopped and answered 503 with Retry-After at about the limit, while a /healthz sent
// behind ten of them answers at once: the reads ran on reader threads, not on the event loop.
// The next ordinary reads work, and the stopped statement is in the query stats and the slow log.
import { beforeAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const LIMIT_MS = 10
const portal = await usePortal({
  seed: { claims: 200_000, people: 2, days: 30 },
  env: { NUXT_QUERY_TIMEOUT_MS: String(LIMIT_MS), NUXT_SLOW_QUERY_MS: String(LIMIT_MS) },
})

// Distinct ranges, so no answer comes from the cache.
const patternsSince = (year: number) => fetch(`/api/v1/claims/denial-patterns?from=${year}-01-01&to=2026-06-30&minCount=1&limit=500`, auth(portal.keys.viewer))

describe(`a read past NUXT_QUERY_TIMEOUT_MS (${LIMIT_MS} ms)`, () => {
  beforeAll(async () => {
    // The server's first answers load their route modules, and its reader threads may still be
    // opening the file (a 503 at this limit): not what is measured here.
    for (const path of ['/api/v1/claims?limit=1', '/api/v1/claims/metrics?groupBy=month']) {
      let status = 0
      for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
        if (attempt) await new Promise(resolve => setTimeout(resolve, 100))
        status = (await fetch(path, { headers: { ...auth(portal.keys.viewer).headers, 'cache-control': 'no-cache' } })).status
      }
      expect(status).toBe(200)
    }
  })

  it('answers 503 with Retry-After at about the limit, and says why without naming the query\'s values', async () => {
    const started = performance.now()
    const res = await patternsSince(2000)
    const ms = performance.now() - started
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.json()).toMatchObject({
      statusCode: 503,
      message: 'The query took longer than its time limit and was stopped; retry shortly, or narrow the filters',
    })
    // The limit plus an HTTP round trip and the planning, never the read's whole length.
    expect(ms).toBeLessThan(LIMIT_MS + 150)
  })

  it('never holds the event loop: a /healthz sent behind twenty such reads answers at once', async () => {
    const healthzMs: number[] = []
    for (let round = 0; round < 3; round++) {
      const years = Array.from({ length: 20 }, (_, i) => 1900 + round * 20 + i)
      const reads = Promise.all(years.map(year => patternsSince(year)))
      // The twenty requests are in the server before /healthz is.
      await new Promise(resolve => setTimeout(resolve, 15))
      const started = performance.now()
      const healthz = await fetch('/healthz')
      await healthz.arrayBuffer()
      healthzMs.push(performance.now() - started)
      expect(healthz.status).toBe(200)
      expect((await reads).map(r => r.status)).toEqual(years.map(() => 503))
    }
    // Inline (NUXT_QUERY_READERS=0), /healthz waits for the reads ahead of it (ten of them: 200
    // to 370 ms on the 2-core machine); on the reader threads the queued reads cost nothing but
    // a timer, and two run until their deadline. The median of three rounds, with a margin for
    // a machine shared with other work.
    expect(healthzMs.sort((x, y) => x - y)[1]).toBeLessThan(150)
  })

  it('leaves the portal serving: after Retry-After, ordinary reads answer 200', async () => {
    // Fresh reader threads replace the stopped ones; a client waits the second it was told to.
    await new Promise(resolve => setTimeout(resolve, 1000))
    const list = await fetch('/api/v1/claims?limit=5', auth(portal.keys.viewer))
    expect(list.status).toBe(200)
    expect((await list.json() as { data: unknown[] }).data).toHaveLength(5)
    const metrics = await fetch('/api/v1/claims/metrics?groupBy=month&from=2026-01-01&to=2026-06-30', auth(portal.keys.viewer))
    expect(metrics.status).toBe(200)
  })

  it('is recorded on the one statement path: the stats and the slow log show the stopped statement', async () => {
    const res = await fetch('/api/v1/admin/queries', auth(portal.keys.admin))
    const body = await res.json() as { queries: { name: string, calls: number, rows: number }[], slow: { name: string, durationMs: number, plan: string }[] }
    expect(body.queries.find(q => q.name === 'claims.denialPatterns')!.calls).toBeGreaterThanOrEqual(61)
    const slow = body.slow.filter(s => s.name === 'claims.denialPatterns')
    expect(slow.length).toBeGreaterThanOrEqual(61)
    for (const s of slow) expect(s.durationMs).toBeGreaterThanOrEqual(LIMIT_MS)
    expect(slow[0]!.plan).toMatch(/idx_claims_status_date/)
  })
})

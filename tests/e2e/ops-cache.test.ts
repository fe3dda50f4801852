// The response cache over HTTP, in-process LRU: X-Cache, ETag, 304, invalidation after writes.
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 3000 } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(path, { headers: { ...auth(portal.keys.viewer).headers, ...headers } })
  const text = await res.text()
  return { status: res.status, cache: res.headers.get('x-cache'), etag: res.headers.get('etag'), headers: res.headers, text, body: text ? JSON.parse(text) : undefined as any }
}

async function send(method: string, path: string, body: unknown, key = portal.keys.operator) {
  const res = await fetch(path, { method, body: JSON.stringify(body), headers: { ...auth(key).headers, 'content-type': 'application/json' } })
  return { status: res.status, body: await res.json() as any }
}

describe('cacheable GETs', () => {
  // Answers that name patients (patientRef) are never stored by a browser; aggregates are kept and revalidated.
  it.each([
    ['/api/v1/claims?limit=5', 'private, no-store'],
    ['/api/v1/claims/metrics?groupBy=week', 'private, no-cache'],
    ['/api/v1/claims/denial-patterns?limit=5', 'private, no-cache'],
    ['/api/v1/claims/17', 'private, no-store'],
    ['/api/v1/providers?limit=5', 'private, no-cache'],
    ['/api/v1/providers/2', 'private, no-cache'],
  ])('%s: MISS, then HIT with the same body and ETag, Cache-Control %s', async (path, cacheControl) => {
    const first = await get(path)
    const second = await get(path)
    expect(first.status).toBe(200)
    expect(first.cache).toBe('MISS')
    expect(second.cache).toBe('HIT')
    expect(second.text).toBe(first.text)
    expect(second.etag).toBe(first.etag)
    expect(first.etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers.get('cache-control')).toBe(cacheControl)
    expect(second.headers.get('cache-control')).toBe(cacheControl)
    expect(first.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('recomputes for a client that sends Cache-Control: no-cache, and keeps the fresh answer for the next', async () => {
    const path = '/api/v1/claims/metrics?groupBy=denialReason'
    expect((await get(path)).cache).toBe('MISS')
    expect((await get(path)).cache).toBe('HIT')
    const fresh = await get(path, { 'cache-control': 'no-cache' })
    expect(fresh.status).toBe(200)
    expect(fresh.cache).toBe('MISS')
    expect(fresh.headers.get('server-timing')).toMatch(/cache;desc=MISS/)
    const after = await get(path)
    expect(after.cache).toBe('HIT')
    expect(after.text).toBe(fresh.text)
    expect((await get(path, { pragma: 'no-cache' })).cache).toBe('MISS')
  })

  it('answers 304 with no body to a matching If-None-Match, and 200 to another', async () => {
    const first = await get('/api/v1/claims/metrics?groupBy=payer')
    const again = await get('/api/v1/claims/metrics?groupBy=payer', { 'if-none-match': first.etag! })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    expect(again.etag).toBe(first.etag)
    const weak = await get('/api/v1/claims/metrics?groupBy=payer', { 'if-none-match': `"other", W/${first.etag}` })
    expect(weak.status).toBe(304)
    const other = await get('/api/v1/claims/metrics?groupBy=payer', { 'if-none-match': '"not-it"' })
    expect(other.status).toBe(200)
    expect(other.text).toBe(first.text)
  })

  it('keys on the parsed query: parameter order and defaults make one entry', async () => {
    await get('/api/v1/claims?status=denied&payer=Aetna&limit=4')
    expect((await get('/api/v1/claims?payer=Aetna&limit=4&status=denied')).cache).toBe('HIT')
    await get('/api/v1/claims/metrics')
    expect((await get('/api/v1/claims/metrics?groupBy=month')).cache).toBe('HIT')
  })

  it('never caches an error: a 404 stays a 404 and a 400 stays a 400', async () => {
    expect((await get('/api/v1/claims/99999999')).status).toBe(404)
    const again = await get('/api/v1/claims/99999999')
    expect(again.status).toBe(404)
    expect(again.cache).toBeNull()
    expect((await get('/api/v1/claims?limit=0')).status).toBe(400)
    const bad = await get('/api/v1/claims?limit=0')
    expect(bad.status).toBe(400)
    expect(bad.cache).toBeNull()
  })

  it('does not count a client\'s 404 thrown inside a cached computation as a cache error', async () => {
    const stats = async () => {
      const res = await fetch('/api/v1/admin/cache/stats', auth(portal.keys.admin))
      return Object.fromEntries(((await res.json()) as { byNamespace: { namespace: string, errors: number, misses: number }[] }).byNamespace.map(s => [s.namespace, s]))
    }
    const before = await stats()
    for (const path of ['/api/v1/claims/99999998', '/api/v1/health-data/summary?personId=NOBODY-1&metric=steps', '/api/v1/correlations/99999998']) {
      expect((await get(path)).status, path).toBe(404)
    }
    const after = await stats()
    for (const ns of ['claims:item', 'health:summary', 'correlations']) {
      expect(after[ns]!.misses, ns).toBe((before[ns]?.misses ?? 0) + 1)
      expect(after[ns]!.errors, ns).toBe(before[ns]?.errors ?? 0)
    }
  })

  it('the Link header of a cached list page still points at the next page', async () => {
    const first = await get('/api/v1/claims?limit=3&sort=billedCents')
    const hit = await get('/api/v1/claims?limit=3&sort=billedCents')
    expect(hit.cache).toBe('HIT')
    expect(hit.headers.get('link')).toBe(`</api/v1/claims?limit=3&sort=billedCents&cursor=${first.body.page.nextCursor}>; rel="next"`)
  })
})

describe('invalidation after writes', () => {
  const claim = (i: number, over: Record<string, unknown> = {}) => ({
    source: 'ops-e2e', sourceId: `OPS-${i}`, providerId: 4, payer: 'Aetna', patientRef: `PT-ops-${i}`, cptCode: '99213',
    dateOfService: '2026-06-20', submittedAt: '2026-06-21T08:00:00Z', status: 'submitted', billedCents: 12345, paidCents: 0, ...over,
  })

  it('a PATCH that changes a claim drops the claims answers; the next GET sees the change', async () => {
    const id = (db.prepare(`SELECT id FROM claims WHERE status = 'submitted' AND date_of_service BETWEEN '2026-05-01' AND '2026-06-30' LIMIT 1`).get() as { id: number }).id
    const before = await get('/api/v1/claims/metrics?from=2026-05-01&to=2026-06-30')
    expect((await get(`/api/v1/claims/${id}`)).body.status).toBe('submitted')
    expect((await get(`/api/v1/claims/${id}`)).cache).toBe('HIT')
    expect((await send('PATCH', `/api/v1/claims/${id}`, { status: 'denied', denialReason: 'CO-97' })).status).toBe(200)
    const after = await get('/api/v1/claims/metrics?from=2026-05-01&to=2026-06-30')
    expect(after.cache).toBe('MISS')
    expect(after.body.totals.denied).toBe(before.body.totals.denied + 1)
    expect(after.etag).not.toBe(before.etag)
    const one = await get(`/api/v1/claims/${id}`)
    expect(one).toMatchObject({ cache: 'MISS', body: { status: 'denied', denialReason: 'CO-97' } })
  })

  it('a PATCH that changes nothing keeps the cache', async () => {
    const id = (db.prepare(`SELECT id FROM claims WHERE status = 'paid' LIMIT 1`).get() as { id: number }).id
    await get('/api/v1/claims/metrics?groupBy=provider')
    expect((await send('PATCH', `/api/v1/claims/${id}`, { status: 'paid' })).status).toBe(200)
    expect((await get('/api/v1/claims/metrics?groupBy=provider')).cache).toBe('HIT')
  })

  it('an ingest that writes drops the claims answers; one that changes nothing keeps them', async () => {
    const before = await get('/api/v1/claims?payer=Aetna&from=2026-06-20&to=2026-06-20&limit=1000')
    expect((await send('POST', '/api/v1/claims', [claim(1), claim(2)])).body).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    const after = await get('/api/v1/claims?payer=Aetna&from=2026-06-20&to=2026-06-20&limit=1000')
    expect(after.cache).toBe('MISS')
    expect(after.body.data.length).toBe(before.body.data.length + 2)
    expect((await get('/api/v1/providers/4')).cache).toBe('MISS')
    expect((await get('/api/v1/providers/4')).cache).toBe('HIT')
    expect((await send('POST', '/api/v1/claims', [claim(1), claim(2)])).body).toEqual({ inserted: 0, updated: 0, unchanged: 2 })
    expect((await get('/api/v1/providers/4')).cache).toBe('HIT')
  })

  it('DELETE /admin/cache drops one namespace or all, and names a bad namespace', async () => {
    await get('/api/v1/providers?limit=2')
    await get('/api/v1/claims/metrics?groupBy=day')
    const one = await fetch('/api/v1/admin/cache?namespace=providers:list', { method: 'DELETE', ...auth(portal.keys.admin) })
    expect(await one.json()).toEqual({ invalidated: ['providers:list'] })
    expect((await get('/api/v1/providers?limit=2')).cache).toBe('MISS')
    expect((await get('/api/v1/claims/metrics?groupBy=day')).cache).toBe('HIT')
    await fetch('/api/v1/admin/cache', { method: 'DELETE', ...auth(portal.keys.admin) })
    expect((await get('/api/v1/claims/metrics?groupBy=day')).cache).toBe('MISS')
    const bad = await fetch('/api/v1/admin/cache?namespace=everything', { method: 'DELETE', ...auth(portal.keys.admin) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as any).data.issues[0].path).toBe('namespace')
  })

  it('cache stats count it all per namespace', async () => {
    const res = await fetch('/api/v1/admin/cache/stats', auth(portal.keys.admin))
    const stats = await res.json() as any
    expect(stats).toMatchObject({ driver: 'lru-cache', keys: expect.any(Number), hits: expect.any(Number), misses: expect.any(Number), staleHits: 0, sets: expect.any(Number), invalidations: expect.any(Number), hitRate: expect.any(Number) })
    const metrics = stats.byNamespace.find((n: any) => n.namespace === 'claims:metrics')
    expect(metrics).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number), hitRate: expect.any(Number), keys: expect.any(Number) })
    expect(metrics.hits).toBeGreaterThanOrEqual(3)
    expect(metrics.invalidations).toBeGreaterThanOrEqual(3)
    expect(stats.hits + stats.misses).toBeGreaterThan(20)
  })
})

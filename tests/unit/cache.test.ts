import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cached, cacheStats, configureCache, invalidate, NAMESPACES } from '../../server/services/cache/index.ts'
import { hashInput, stableStringify } from '../../server/services/cache/keys.ts'
import { resetCounters } from '../../server/services/cache/stats.ts'

const TTL_MS = NAMESPACES['claims:metrics'].ttl * 1000
const STALE_MS = NAMESPACES['claims:metrics'].stale * 1000

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-06-01T00:00:00Z'))
  await configureCache({})
  resetCounters()
})
afterEach(() => vi.useRealTimers())

function counter() {
  let calls = 0
  return { compute: () => ({ n: ++calls }), calls: () => calls }
}

describe('cached()', () => {
  it('misses once, then hits with the same body and ETag', async () => {
    const c = counter()
    const first = await cached('claims:metrics', { groupBy: 'month' }, c.compute)
    const second = await cached('claims:metrics', { groupBy: 'month' }, c.compute)
    expect(first.status).toBe('MISS')
    expect(second.status).toBe('HIT')
    expect(second.body).toBe('{"n":1}')
    expect(second.value).toEqual({ n: 1 })
    expect(second.etag).toBe(first.etag)
    expect(c.calls()).toBe(1)
  })

  it('keeps what metaOf drew from the value beside the body, for a HIT to read without parsing', async () => {
    const c = counter()
    const metaOf = (v: { n: number }) => `cursor-${v.n}`
    expect((await cached('claims:list', { m: 1 }, c.compute, { metaOf })).meta).toBe('cursor-1')
    const hit = await cached('claims:list', { m: 1 }, c.compute, { metaOf })
    expect(hit.status).toBe('HIT')
    expect(hit.meta).toBe('cursor-1')
    expect((await cached('claims:list', { m: 2 }, c.compute)).meta).toBeUndefined()
  })

  it('keys on the parsed input, whatever the field order, and apart per input', async () => {
    const c = counter()
    await cached('claims:list', { a: 1, b: [2, 3] }, c.compute)
    expect((await cached('claims:list', { b: [2, 3], a: 1 }, c.compute)).status).toBe('HIT')
    expect((await cached('claims:list', { a: 2, b: [2, 3] }, c.compute)).status).toBe('MISS')
    expect(stableStringify({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}')
    expect(stableStringify({ s: ['b', 'a'], n: [{ y: 1, x: null }], e: [], o: {} })).toBe('{"e":[],"n":[{"x":null,"y":1}],"o":{},"s":["b","a"]}')
    expect(hashInput({ patientRef: 'PT-123' })).not.toContain('PT-123')
  })

  it('serves STALE after the TTL while one refresh runs, and MISSes after the stale limit', async () => {
    const c = counter()
    await cached('claims:metrics', {}, c.compute)
    vi.setSystemTime(Date.now() + TTL_MS + 1000)
    const stale = await cached('claims:metrics', {}, c.compute)
    expect(stale.status).toBe('STALE')
    expect(stale.value).toEqual({ n: 1 })
    await new Promise(r => setTimeout(r, 5))
    expect(c.calls()).toBe(2)
    const refreshed = await cached('claims:metrics', {}, c.compute)
    expect(refreshed).toMatchObject({ status: 'HIT', body: '{"n":2}' })

    vi.setSystemTime(Date.now() + TTL_MS + STALE_MS + 1000)
    const expired = await cached('claims:metrics', {}, c.compute)
    expect(expired).toMatchObject({ status: 'MISS', body: '{"n":3}' })
  })

  it('runs one computation when many requests miss at once', async () => {
    let calls = 0
    const slow = async () => {
      calls++
      await new Promise(r => setTimeout(r, 20))
      return { calls }
    }
    const results = await Promise.all(Array.from({ length: 25 }, () => cached('claims:denial-patterns', { limit: 5 }, slow)))
    expect(calls).toBe(1)
    expect(new Set(results.map(r => r.body))).toEqual(new Set(['{"calls":1}']))
    const stats = (await cacheStats()).byNamespace.find(s => s.namespace === 'claims:denial-patterns')!
    expect(stats).toMatchObject({ misses: 25, sets: 1, keys: 1 })
  })

  it('never caches an error', async () => {
    let fail = true
    const compute = () => {
      if (fail) throw new Error('database busy')
      return { ok: true }
    }
    await expect(cached('claims:item', { id: 1 }, compute)).rejects.toThrow('database busy')
    fail = false
    expect((await cached('claims:item', { id: 1 }, compute)).status).toBe('MISS')
    const stats = (await cacheStats()).byNamespace.find(s => s.namespace === 'claims:item')!
    expect(stats).toMatchObject({ misses: 2, sets: 1, errors: 1 })
  })

  it('does not count a client error (an h3 400 or 404 thrown by the computation) as a cache error', async () => {
    const { createError } = await import('h3')
    for (const statusCode of [400, 404]) {
      await expect(cached('claims:item', { id: statusCode }, () => { throw createError({ statusCode, message: 'no such claim' }) })).rejects.toMatchObject({ statusCode })
    }
    // A 500 and a busy database are the computation failing: they are counted.
    await expect(cached('claims:item', { id: 3 }, () => { throw createError({ statusCode: 500 }) })).rejects.toMatchObject({ statusCode: 500 })
    await expect(cached('claims:item', { id: 4 }, () => { throw Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }) })).rejects.toThrow('busy')
    const stats = (await cacheStats()).byNamespace.find(s => s.namespace === 'claims:item')!
    expect(stats).toMatchObject({ misses: 4, sets: 0, errors: 2 })
  })

  it('invalidates a whole namespace and leaves the others', async () => {
    const c = counter()
    await cached('claims:metrics', { groupBy: 'day' }, c.compute)
    await cached('claims:metrics', { groupBy: 'week' }, c.compute)
    await cached('providers:list', {}, c.compute)
    await invalidate('claims:metrics')
    expect((await cached('claims:metrics', { groupBy: 'day' }, c.compute)).status).toBe('MISS')
    expect((await cached('providers:list', {}, c.compute)).status).toBe('HIT')
    const stats = await cacheStats()
    expect(stats.driver).toBe('lru-cache')
    expect(stats.byNamespace.find(s => s.namespace === 'claims:metrics')).toMatchObject({ invalidations: 1, keys: 1, misses: 3 })
  })

  it('reports hits, misses, stale hits and hit rate per namespace and in total', async () => {
    const c = counter()
    await cached('claims:list', { page: 1 }, c.compute)
    await cached('claims:list', { page: 1 }, c.compute)
    await cached('claims:list', { page: 1 }, c.compute)
    vi.setSystemTime(Date.now() + NAMESPACES['claims:list'].ttl * 1000 + 1)
    await cached('claims:list', { page: 1 }, c.compute)
    const stats = await cacheStats()
    expect(stats.byNamespace.find(s => s.namespace === 'claims:list')).toMatchObject({ hits: 2, misses: 1, staleHits: 1, hitRate: 0.75 })
    expect(stats).toMatchObject({ hits: 2, misses: 1, staleHits: 1, hitRate: 0.75 })
  })

  it('evicts by bytes: the store never holds more than its bound', async () => {
    await configureCache({ maxEntries: 1000, maxBytes: 4096 })
    for (let i = 0; i < 50; i++) await cached('claims:list', { i }, () => ({ pad: 'x'.repeat(500) }))
    const stats = await cacheStats()
    expect(stats.keys).toBeGreaterThan(0)
    expect(stats.keys).toBeLessThanOrEqual(8)
  })

  it('keeps answering from the in-process LRU when Redis cannot be reached', async () => {
    vi.useRealTimers()
    await configureCache({ redisUrl: 'redis://127.0.0.1:1', prefix: 'unit-dead' })
    const c = counter()
    const started = performance.now()
    expect((await cached('claims:metrics', { dead: true }, c.compute)).status).toBe('MISS')
    expect((await cached('claims:metrics', { dead: true }, c.compute)).status).toBe('HIT')
    await invalidate('claims:metrics')
    expect((await cached('claims:metrics', { dead: true }, c.compute)).status).toBe('MISS')
    expect(performance.now() - started).toBeLessThan(500)
    const stats = await cacheStats()
    expect(stats).toMatchObject({ driver: 'redis', redis: { connected: false, pendingInvalidations: 1 } })
    await configureCache({})
  })
})

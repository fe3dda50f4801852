// The rate-limit counter: a fixed one-minute window per bucket, shared through Redis when it
// answers and counted in process when it does not (fail open, never an error).
import { describe, expect, it } from 'vitest'
import { RedisUnavailable, type RedisBackend } from '../../server/services/cache/backends.ts'
import { RateLimiter, WINDOW_MS } from '../../server/services/rate-limit/index.ts'

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % WINDOW_MS) // the start of a minute

function clock(at = T0) {
  const c = { now: at, advance: (ms: number) => { c.now += ms } }
  return c
}

/** A stand-in for the cache's Redis: one shared map of counters (as two processes would see), or down. */
function fakeRedis(counters = new Map<string, number>()) {
  const state = { up: true, keys: [] as string[], ttl: new Map<string, number>() }
  const backend = {
    usable: () => state.up,
    call: async <T>(fn: () => Promise<T>) => {
      if (!state.up) throw new RedisUnavailable('down')
      return fn()
    },
    client: {
      eval: async (_script: string, _n: number, key: string, ttl: string) => {
        const n = (counters.get(key) ?? 0) + 1
        counters.set(key, n)
        if (n === 1) state.ttl.set(key, Number(ttl))
        state.keys.push(key)
        return n
      },
    },
  } as unknown as RedisBackend
  return { state, counters, shared: () => ({ backend, prefix: 'test' }) }
}

describe('RateLimiter', () => {
  it('counts down to the limit, then limits, with the seconds left in the minute', async () => {
    const c = clock(T0 + 15_000)
    const limiter = new RateLimiter({ now: () => c.now })
    const hits = []
    for (let i = 0; i < 4; i++) hits.push(await limiter.hit('key:1', 3))
    expect(hits.map(h => [h.count, h.remaining, h.limited])).toEqual([[1, 2, false], [2, 1, false], [3, 0, false], [4, 0, true]])
    expect(hits[3]!.resetSeconds).toBe(45)
    expect(hits[3]!.shared).toBe(false)
  })

  it('keeps buckets apart and starts again in the next minute', async () => {
    const c = clock(T0 + 59_500)
    const limiter = new RateLimiter({ now: () => c.now })
    for (let i = 0; i < 3; i++) await limiter.hit('address:198.51.100.1', 2)
    expect((await limiter.hit('address:198.51.100.1', 2)).limited).toBe(true)
    expect((await limiter.hit('address:198.51.100.2', 2)).limited).toBe(false)
    expect((await limiter.hit('address:198.51.100.1', 2)).resetSeconds).toBe(1)
    c.advance(600)
    const next = await limiter.hit('address:198.51.100.1', 2)
    expect([next.count, next.limited, next.resetSeconds]).toEqual([1, false, 60])
  })

  it('shares one count between two limiters (two processes) through Redis, keyed by window and bucket, expiring after the window', async () => {
    const c = clock(T0 + 1000)
    const redis = fakeRedis()
    const a = new RateLimiter({ now: () => c.now, redis: redis.shared })
    const b = new RateLimiter({ now: () => c.now, redis: redis.shared })
    expect((await a.hit('user:7', 3)).count).toBe(1)
    expect((await b.hit('user:7', 3)).count).toBe(2)
    expect((await a.hit('user:7', 3)).count).toBe(3)
    const fourth = await b.hit('user:7', 3)
    expect([fourth.limited, fourth.shared]).toEqual([true, true])
    const key = `test:ratelimit:${T0 / WINDOW_MS}:user:7`
    expect(redis.state.keys.every(k => k === key)).toBe(true)
    expect(redis.state.ttl.get(key)).toBeGreaterThan(WINDOW_MS)
    expect(redis.state.ttl.get(key)).toBeLessThanOrEqual(WINDOW_MS + 1000)
  })

  it('when Redis is down, answers from this process\'s own count instead of failing', async () => {
    const c = clock(T0 + 1000)
    const redis = fakeRedis()
    const limiter = new RateLimiter({ now: () => c.now, redis: redis.shared })
    await limiter.hit('key:2', 3)
    await limiter.hit('key:2', 3)
    redis.state.up = false
    const during = await limiter.hit('key:2', 3)
    expect([during.count, during.shared, during.limited]).toEqual([3, false, false])
    expect((await limiter.hit('key:2', 3)).limited).toBe(true)
    redis.state.up = true
    // Back on the shared count (which missed the two hits made while Redis was away).
    const after = await limiter.hit('key:2', 3)
    expect([after.count, after.shared]).toEqual([3, true])
  })

  it('fails open on a Redis call that throws', async () => {
    const c = clock(T0)
    const redis = fakeRedis()
    const broken = () => ({ ...redis.shared(), backend: { ...redis.shared().backend, usable: () => true, call: async () => { throw new RedisUnavailable('timeout') } } as unknown as RedisBackend })
    const limiter = new RateLimiter({ now: () => c.now, redis: broken })
    const hit = await limiter.hit('key:3', 1)
    expect([hit.count, hit.limited, hit.shared]).toEqual([1, false, false])
  })
})

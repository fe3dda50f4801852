// Request counters for the rate limits: a fixed one-minute window per bucket (an API key, a user,
// a client address). With Redis (the cache's connection) the count is shared by every process: one
// atomic script does INCR and, on the window's first request, PEXPIRE, so a key never outlives its
// window. Every hit is also counted in process; when Redis is down, slow or in back-off the limiter
// answers from that count (this process's share) instead of failing or waiting: it fails open,
// never with an error. A fixed window lets a client spend up to twice the limit across a window
// boundary; in return a hit is one Redis round trip and the reset time is the same for everyone.
import { LRUCache } from 'lru-cache'
import type { RedisBackend } from '../cache/backends.ts'

export const WINDOW_MS = 60_000
/** Buckets counted in process per window; past it the least recent are forgotten (counted afresh). */
export const MAX_LOCAL_BUCKETS = 50_000

const INCR_WITH_EXPIRY = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`

export interface Hit {
  limit: number
  /** Requests counted in this window, this one included. */
  count: number
  remaining: number
  /** Seconds until the window ends and the count starts again (at least 1). */
  resetSeconds: number
  limited: boolean
  /** Whether the count came from Redis (shared) or from this process alone. */
  shared: boolean
}

export interface LimiterOptions {
  /** The cache's Redis and key prefix, looked up on each hit (the cache can be reconfigured). */
  redis?: () => { backend: RedisBackend, prefix: string } | undefined
  now?: () => number
  windowMs?: number
}

export class RateLimiter {
  private readonly windowMs: number
  private readonly now: () => number
  private readonly redis: LimiterOptions['redis']
  private window = -1
  private local = new LRUCache<string, number>({ max: MAX_LOCAL_BUCKETS })

  constructor(options: LimiterOptions = {}) {
    this.windowMs = options.windowMs ?? WINDOW_MS
    this.now = options.now ?? Date.now
    this.redis = options.redis
  }

  /** Counts one request of `bucket` against `limit` requests a window. */
  async hit(bucket: string, limit: number): Promise<Hit> {
    const now = this.now()
    const window = Math.floor(now / this.windowMs)
    if (window !== this.window) {
      this.window = window
      this.local.clear()
    }
    const localCount = (this.local.get(bucket) ?? 0) + 1
    this.local.set(bucket, localCount)
    const sharedCount = await this.sharedHit(bucket, window)
    const count = sharedCount ?? localCount
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000))
    return { limit, count, remaining: Math.max(0, limit - count), resetSeconds, limited: count > limit, shared: sharedCount !== undefined }
  }

  private async sharedHit(bucket: string, window: number): Promise<number | undefined> {
    const redis = this.redis?.()
    if (!redis?.backend.usable()) return undefined
    const key = `${redis.prefix}:ratelimit:${window}:${bucket}`
    try {
      // Through the backend's call: a short timeout, then back-off, as for cache reads.
      const n = await redis.backend.call(() => redis.backend.client.eval(INCR_WITH_EXPIRY, 1, key, String(this.windowMs + 1000)))
      return typeof n === 'number' ? n : Number(n)
    }
    catch {
      return undefined
    }
  }
}

// Where cache entries live: a bounded in-process LRU (unstorage's lru-cache driver: it evicts by
// entry count and by bytes, unlike the memory driver, which grows forever), or a shared Redis
// (unstorage's redis driver) when NUXT_CACHE_REDIS_URL is set. Redis calls never wait on a dead
// server: commands fail at once while it is disconnected (no offline queue), each call has a short
// timeout, and ioredis reconnects in the background.
//
// NUXT_CACHE_REDIS_URL carries the connection: `redis://[[user]:password@]host[:port][/db]`, or
// `rediss://` for TLS. ioredis reads the ACL user, password and db from the URL; TLS is set here
// for any spelling of the rediss scheme (ioredis itself only sees a lower-case one), with the
// host as the name the certificate must carry. The portal opens one connection (no pub/sub), so
// these options are all there is. Cached bodies hold patient data: the Redis must be private.
import { createStorage, type Storage } from 'unstorage'
import lruCacheDriver from 'unstorage/drivers/lru-cache'
import redisDriver from 'unstorage/drivers/redis'
import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type Redis from 'ioredis'
import type { LRUCache } from 'lru-cache'

export const REDIS_TIMEOUT_MS = 250
/** After a failed or slow call, Redis is skipped for this long before it is tried again. */
export const REDIS_BACKOFF_MS = 1000

/** The bounded in-process store, and its LRU for synchronous reads on the HIT path (same entries, same recency). */
export function lruStorage(maxEntries: number, maxBytes: number): { storage: Storage, lru: LRUCache<string, object> } {
  const storage = createStorage({
    driver: lruCacheDriver({
      max: maxEntries,
      maxSize: maxBytes,
      // Entries hold a body of mostly ASCII JSON: its length is a close, cheap measure of bytes.
      sizeCalculation: (value: unknown, key: string) => key.length + 64 + (typeof value === 'string' ? value.length : typeof (value as { body?: unknown })?.body === 'string' ? (value as { body: string }).body.length : 1024),
    }),
  })
  return { storage, lru: storage.getMount('').driver.getInstance!() as LRUCache<string, object> }
}

export class RedisUnavailable extends Error {}

/**
 * What the URL adds to the ioredis options: TLS for rediss://. A URL of another scheme is refused
 * with a message that does not repeat it (it may hold a password).
 */
export function redisUrlOptions(url: string): { tls?: ConnectionOptions } {
  let parsed: URL
  try {
    parsed = new URL(url)
  }
  catch {
    throw new Error('NUXT_CACHE_REDIS_URL is not a URL like redis://[user:password@]host:6379/0 or rediss://…')
  }
  const scheme = parsed.protocol.toLowerCase()
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw new Error(`NUXT_CACHE_REDIS_URL must start with redis:// or rediss:// (TLS), not ${scheme.slice(0, 20)}//`)
  if (scheme !== 'rediss:') return {}
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  // SNI takes a name only: for an address, the certificate is checked against the address itself.
  return { tls: isIP(host) ? {} : { servername: host } }
}

export class RedisBackend {
  readonly storage: Storage
  readonly client: Redis
  errors = 0
  private skipUntil = 0
  private reported = false

  constructor(url: string, prefix: string) {
    const driver = redisDriver({
      url,
      ...redisUrlOptions(url),
      base: prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
    })
    this.storage = createStorage({ driver })
    this.client = driver.getInstance!() as Redis
    this.client.on('error', (error: Error) => this.report(error.message))
    this.client.on('ready', () => {
      if (this.reported) console.info('[cache] redis is reachable again; using the shared cache')
      this.reported = false
      this.skipUntil = 0
    })
  }

  /** Connected and not in back-off: worth trying. */
  usable(): boolean {
    return this.client.status === 'ready' && Date.now() >= this.skipUntil
  }

  connected(): boolean {
    return this.client.status === 'ready'
  }

  /** Runs one storage call, failing fast (RedisUnavailable) when Redis is down or slow. */
  async call<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
    if (!this.usable()) throw new RedisUnavailable('redis is not connected')
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        fn(this.storage),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RedisUnavailable(`redis did not answer in ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS)
        }),
      ])
    }
    catch (error) {
      this.errors++
      this.skipUntil = Date.now() + REDIS_BACKOFF_MS
      this.report((error as Error).message)
      throw error instanceof RedisUnavailable ? error : new RedisUnavailable((error as Error).message)
    }
    finally {
      clearTimeout(timer)
    }
  }

  async dispose(): Promise<void> {
    this.client.disconnect()
  }

  private report(message: string): void {
    if (this.reported) return
    this.reported = true
    console.warn(`[cache] redis unavailable (${message}); answering from the in-process cache until it returns`)
  }
}

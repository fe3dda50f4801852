// Where cache entries live: a bounded in-process LRU (unstorage's lru-cache driver: it evicts by
// entry count and by bytes, unlike the memory driver, which grows forever), or a shared Redis
// (unstorage's redis driver) when NUXT_CACHE_REDIS_URL is set. Redis calls never wait on a dead
// server: commands fail at once while it is disconnected (no offline queue), each call has a short
// timeout, after a failure a single call probes while the rest go without Redis, and ioredis
// reconnects in the background. One line is logged when Redis is lost and one when it is back.
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
class TimedOut extends RedisUnavailable {}

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
  /** Outages so far: each time Redis is lost, this counts up. */
  outages = 0
  private skipUntil = 0
  /** Redis failed and has not answered since: the outage has been logged, one call at a time probes. */
  private down = false
  private probing = false
  private wasReady = false
  /** Reconnected, and onReconnect has not yet succeeded: nothing reads Redis until it has. */
  private stale = false
  private resyncing = false
  private readonly onReconnect: (run: <T>(fn: (storage: Storage) => Promise<T>) => Promise<T>) => Promise<void>
  private disposed = false

  /**
   * `onReconnect` runs on every connection after the first, before Redis is used again: what Redis
   * holds may be older than what this process saw (a restart from an old snapshot, writes lost
   * with a dead connection), so the cache renews its generations there. It gets a runner that
   * reaches Redis while everything else still waits.
   */
  constructor(url: string, prefix: string, onReconnect: (run: <T>(fn: (storage: Storage) => Promise<T>) => Promise<T>) => Promise<void> = async () => {}) {
    const driver = redisDriver({
      url,
      ...redisUrlOptions(url),
      base: prefix,
      enableOfflineQueue: false,
      // A command that was sent on a connection that then died is not sent again on the next one:
      // its caller gave up on it long ago, and a generation written late would undo a newer one.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
    })
    this.onReconnect = onReconnect
    this.storage = createStorage({ driver })
    this.client = driver.getInstance!() as Redis
    this.client.on('error', (error: Error) => this.lost(error.message))
    this.client.on('close', () => this.lost('the connection closed'))
    this.client.on('ready', () => {
      if (!this.wasReady) {
        this.wasReady = true
        return this.recovered()
      }
      // At once, not on the next request: the outage is over only once this has run.
      this.stale = true
      this.resync()
    })
  }

  /** Connected, not in back-off, renewed after a reconnection, and (after a failure) no other call already probing: worth trying. */
  usable(): boolean {
    if (this.client.status !== 'ready' || this.resyncing || Date.now() < this.skipUntil) return false
    if (this.stale) {
      this.resync()
      return false
    }
    return !(this.down && this.probing)
  }

  connected(): boolean {
    return this.client.status === 'ready'
  }

  /**
   * Runs one storage call, failing fast (RedisUnavailable) when Redis is down or slow. After a
   * failure, one call a back-off period tries Redis again while the others go without it, so a
   * frozen Redis costs one request REDIS_TIMEOUT_MS a second, not every request.
   */
  async call<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
    if (!this.usable()) throw new RedisUnavailable('redis is not connected')
    const probe = this.down
    if (probe) this.probing = true
    try {
      const value = await this.attempt(fn)
      if (this.down) this.recovered()
      return value
    }
    catch (error) {
      this.errors++
      this.failed((error as Error).message, error instanceof TimedOut)
      throw error instanceof RedisUnavailable ? error : new RedisUnavailable((error as Error).message)
    }
    finally {
      if (probe) this.probing = false
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.client.disconnect()
  }

  /** Runs onReconnect; until it succeeds (it is tried again after each back-off) Redis is not used. */
  private resync(): void {
    this.resyncing = true
    this.onReconnect(fn => this.attempt(fn)).then(() => {
      this.stale = false
      this.recovered()
    }, (error: Error) => this.failed(error.message, error instanceof TimedOut)).finally(() => {
      this.resyncing = false
    })
  }

  /** One storage call with the time limit, whatever the state. */
  private async attempt<T>(fn: (storage: Storage) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        fn(this.storage),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimedOut(`redis did not answer in ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS)
        }),
      ])
    }
    finally {
      clearTimeout(timer)
    }
  }

  private failed(message: string, timedOut = false): void {
    this.skipUntil = Date.now() + REDIS_BACKOFF_MS
    this.lost(message)
    // A connection that stopped answering (a frozen or stalled Redis) is dropped and made anew:
    // until the new one is ready nothing waits on Redis, and its return is a reconnection like
    // any other, with the generations renewed.
    if (timedOut && this.client.status === 'ready') this.client.disconnect(true)
  }

  /** One line an outage, however many requests it touches. */
  private lost(message: string): void {
    if (this.down || this.disposed) return
    this.down = true
    this.outages++
    console.warn(`[cache] redis unavailable (${message}); answering from the in-process cache until it returns`)
  }

  private recovered(): void {
    this.skipUntil = 0
    if (!this.down) return
    this.down = false
    console.info('[cache] redis is reachable again; using the shared cache')
  }
}

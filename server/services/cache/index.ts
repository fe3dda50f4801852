// The cache services use: `cached(namespace, input, compute)` answers from the cache when it can
// and runs `compute` once per key when it cannot. Entries hold the JSON body and its ETag, so a
// HIT is served without serialising again.
//
//   const { body, etag, status } = await cached('claims:metrics', query, () => claimsMetrics(query))
//
// Keys are `${namespace}:v${CACHE_VERSION}:g${generation}:${hash(input)}`. Invalidating a
// namespace changes its generation, so every older key becomes unreachable at once (and expires).
// With Redis the generation lives in Redis too; each process re-reads it at most GENERATION_MEMO_MS
// later, so an invalidation anywhere is seen everywhere within a second. When Redis fails,
// requests are answered from an in-process LRU (or computed), never with an error.
//
// What Redis holds after an outage cannot be trusted to be newer than what this process saw: a
// Redis restarted from its last snapshot brings back old generations with the entries made under
// them, and invalidations sent on a connection that died are lost. So on every reconnection each
// process gives every namespace a new generation before it reads Redis again (one cold cache per
// outage), and a missing generation is written afresh rather than read as a default. The
// in-process layer serves only what was computed during the current outage: it starts empty each
// time Redis is lost, since another process may have invalidated while this one could see Redis.
import { randomBytes } from 'node:crypto'
import type { LRUCache } from 'lru-cache'
import type { Storage } from 'unstorage'
import { classifyUnexpected } from '../errors.ts'
import { lruStorage, RedisBackend } from './backends.ts'
import { entryKey, etagOf } from './keys.ts'
import { CACHE_VERSION, NAMESPACE_NAMES, NAMESPACES, type Namespace } from './namespaces.ts'
import { countersOf } from './stats.ts'

export { AGGREGATE_ONLY, CACHE_VERSION, CLAIMS_DATA, HEALTH_DATA, isNamespace, NAMESPACE_NAMES, NAMESPACES, type Namespace } from './namespaces.ts'
export { cacheStats, type CacheStats } from './report.ts'

export type CacheStatus = 'HIT' | 'MISS' | 'STALE'

export interface CacheResult<T> {
  status: CacheStatus
  /** The JSON body, exactly as first serialised. */
  body: string
  etag: string
  /** What `metaOf` drew from the value when it was computed: read without parsing the body. */
  meta: string | undefined
  /** The body parsed (on first access). */
  readonly value: T
}

export interface CachedOptions<T> {
  /** Compute afresh and replace the stored answer (a client's `Cache-Control: no-cache`). */
  revalidate?: boolean
  /** A small string kept beside the body (a next-page cursor for a Link header), so a HIT need not parse it. */
  metaOf?: (value: T) => string | undefined
}

export interface CacheOptions {
  redisUrl?: string
  /** Prefix of every Redis key, so several portals (or test runs) can share one Redis. */
  prefix?: string
  maxEntries?: number
  maxBytes?: number
}

/** How long a process trusts the generations it read from Redis. */
export const GENERATION_MEMO_MS = 500
export const DEFAULT_MAX_ENTRIES = 5000
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

interface Entry {
  freshUntil: number
  staleUntil: number
  etag: string
  meta?: string
  body: string
}

interface Layer {
  storage: Storage
  remote: boolean
  generation: string
}

interface State {
  local: Storage
  /** The Redis outage the in-process layer holds entries of (RedisBackend.outages). */
  localOutage: number
  /** Prefix of every Redis key (CacheOptions.prefix). */
  prefix: string
  /** The LRU behind `local`: read directly on the request path (no promise, no key normalising; our keys are already normal). */
  lru: LRUCache<string, object>
  redis?: RedisBackend
  localGenerations: Map<string, number>
  remoteGenerations: Map<string, { value: string, checkedAt: number }>
  /** Invalidations made while Redis was down, written to it once it is back. */
  pending: Set<string>
  inflight: Map<string, Promise<Entry>>
}

let state = createState({})

function createState(options: CacheOptions): State {
  const { storage, lru } = lruStorage(options.maxEntries ?? DEFAULT_MAX_ENTRIES, options.maxBytes ?? DEFAULT_MAX_BYTES)
  const created: State = {
    local: storage,
    localOutage: 0,
    prefix: options.prefix || 'portal',
    lru,
    localGenerations: new Map(),
    remoteGenerations: new Map(),
    pending: new Set(),
    inflight: new Map(),
  }
  if (options.redisUrl) created.redis = new RedisBackend(options.redisUrl, created.prefix, run => renewGenerations(created, run))
  return created
}

/** After a reconnection: a new generation for every namespace, so nothing Redis kept from before is read. */
async function renewGenerations(s: State, run: <T>(fn: (storage: Storage) => Promise<T>) => Promise<T>): Promise<void> {
  await Promise.all(NAMESPACE_NAMES.map(async (ns) => {
    const token = newGeneration()
    await run(storage => storage.setItemRaw(generationKey(ns), token))
    s.remoteGenerations.set(ns, { value: token, checkedAt: Date.now() })
    s.pending.delete(ns)
  }))
}

function newGeneration(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`
}

/** Replaces the cache (at start-up, from runtime config; in tests, between cases). */
export async function configureCache(options: CacheOptions): Promise<void> {
  const old = state
  state = createState(options)
  await old.redis?.dispose()
}

export async function closeCache(): Promise<void> {
  await state.redis?.dispose()
}

export function cacheDriver(): 'lru-cache' | 'redis' {
  return state.redis ? 'redis' : 'lru-cache'
}

/** Live entries of a namespace's current generation (a key scan: for admin pages only). */
export async function liveKeys(namespace: string): Promise<number> {
  const layer = await layerFor(namespace)
  const base = `${namespace}:v${CACHE_VERSION}:g${layer.generation}`
  try {
    return (await (layer.remote ? state.redis!.call(s => s.getKeys(base)) : layer.storage.getKeys(base))).length
  }
  catch {
    return 0
  }
}

/** The cache's Redis and its key prefix, for other state every process must share (the rate-limit counters). */
export function sharedRedis(): { backend: RedisBackend, prefix: string } | undefined {
  return state.redis ? { backend: state.redis, prefix: state.prefix } : undefined
}

export function redisStatus(): { connected: boolean, errors: number, pendingInvalidations: number } | undefined {
  const redis = state.redis
  return redis ? { connected: redis.connected(), errors: redis.errors, pendingInvalidations: state.pending.size } : undefined
}

/** The cached answer for `input`, computing (and storing) it on a miss. */
export async function cached<T>(namespace: Namespace, input: unknown, compute: () => T | Promise<T>, options: CachedOptions<T> = {}): Promise<CacheResult<T>> {
  const counters = countersOf(namespace)
  // Without Redis the lookup is synchronous: a HIT awaits nothing.
  const layer = state.redis ? await layerFor(namespace) : localLayer(namespace)
  const key = entryKey(namespace, CACHE_VERSION, layer.generation, input)
  const entry = options.revalidate ? undefined : layer.remote ? await read(key) : readLocal(key)
  const now = Date.now()
  if (entry && now < entry.freshUntil) {
    counters.hits++
    return new Result<T>(entry, 'HIT')
  }
  if (entry && now < entry.staleUntil) {
    counters.staleHits++
    refresh(namespace, layer, key, compute, options.metaOf).catch(error => console.warn(`[cache] refreshing ${namespace} failed: ${(error as Error).message}`))
    return new Result<T>(entry, 'STALE')
  }
  counters.misses++
  return new Result<T>(await refresh(namespace, layer, key, compute, options.metaOf), 'MISS')
}

/** Makes every entry of the namespaces unreachable, in this process at once and in every process within a second. */
export async function invalidate(namespaces: Namespace | readonly Namespace[]): Promise<void> {
  const list = typeof namespaces === 'string' ? [namespaces] : namespaces
  for (const ns of list) {
    countersOf(ns).invalidations++
    state.localGenerations.set(ns, (state.localGenerations.get(ns) ?? 0) + 1)
    await dropLocal(ns)
    if (!state.redis) continue
    const token = newGeneration()
    state.remoteGenerations.set(ns, { value: token, checkedAt: Date.now() })
    try {
      await state.redis.call(s => s.setItemRaw(generationKey(ns), token))
      state.pending.delete(ns)
    }
    catch {
      state.pending.add(ns)
    }
  }
}

// A class rather than an object literal with a getter: V8 builds these fast, and a HIT makes one per request.
class Result<T> implements CacheResult<T> {
  status: CacheStatus
  body: string
  etag: string
  meta: string | undefined
  private parsed: { value: T } | undefined

  constructor(entry: Entry, status: CacheStatus) {
    this.status = status
    this.body = entry.body
    this.etag = entry.etag
    this.meta = entry.meta
  }

  get value(): T {
    this.parsed ??= { value: JSON.parse(this.body) as T }
    return this.parsed.value
  }
}

/** One computation per key at a time: concurrent misses share it. Errors are never stored. */
function refresh<T>(namespace: Namespace, layer: Layer, key: string, compute: () => T | Promise<T>, metaOf?: (value: T) => string | undefined): Promise<Entry> {
  const flightKey = `${layer.remote ? 'r' : 'l'}|${key}`
  const running = state.inflight.get(flightKey)
  if (running) return running
  const flight = (async () => {
    let value: T
    try {
      value = await compute()
    }
    catch (error) {
      // A client's 400 or 404 (no such claim, an unknown person) is an answer, not the cache failing.
      if (classifyUnexpected(error)) countersOf(namespace).errors++
      throw error
    }
    const { ttl, stale } = NAMESPACES[namespace]
    const now = Date.now()
    const body = JSON.stringify(value)
    const entry: Entry = { freshUntil: now + ttl * 1000, staleUntil: now + (ttl + stale) * 1000, etag: etagOf(body), meta: metaOf?.(value), body }
    await write(layer, key, entry, ttl + stale)
    countersOf(namespace).sets++
    return entry
  })()
  state.inflight.set(flightKey, flight)
  const forget = () => state.inflight.delete(flightKey)
  flight.then(forget, forget)
  return flight
}

async function layerFor(namespace: string): Promise<Layer> {
  const redis = state.redis
  if (redis?.usable()) {
    const generation = await remoteGeneration(redis, namespace)
    if (generation !== undefined) return { storage: redis.storage, remote: true, generation }
  }
  if (redis && redis.outages !== state.localOutage) {
    // A new outage: what the in-process layer kept in an earlier one may predate invalidations
    // made since by other processes, which this one never saw. Its keys name the outage, so not
    // even a computation begun before can store into this one.
    state.localOutage = redis.outages
    state.lru.clear()
  }
  return localLayer(namespace)
}

function localLayer(namespace: string): Layer {
  return { storage: state.local, remote: false, generation: `l${state.localOutage}.${state.localGenerations.get(namespace) ?? 0}` }
}

async function remoteGeneration(redis: RedisBackend, namespace: string): Promise<string | undefined> {
  const known = state.remoteGenerations.get(namespace)
  const now = Date.now()
  if (known && now - known.checkedAt < GENERATION_MEMO_MS) return known.value
  try {
    if (state.pending.has(namespace) && known) {
      await redis.call(s => s.setItemRaw(generationKey(namespace), known.value))
      state.pending.delete(namespace)
    }
    const stored = await redis.call(s => s.getItemRaw(generationKey(namespace)))
    // Missing (a new or emptied Redis, an evicted key): entries made under a default could be any age.
    const value = stored === null || stored === undefined ? newGeneration() : String(stored)
    if (stored === null || stored === undefined) await redis.call(s => s.setItemRaw(generationKey(namespace), value))
    state.remoteGenerations.set(namespace, { value, checkedAt: now })
    // Another process invalidated (or this is the first look): what the in-process layer kept
    // during an earlier outage may predate that, so it must not be served in a later one.
    if (known?.value !== value) {
      state.localGenerations.set(namespace, (state.localGenerations.get(namespace) ?? 0) + 1)
      await dropLocal(namespace)
    }
    return value
  }
  catch {
    return undefined
  }
}

function generationKey(namespace: string): string {
  return `_gen:${namespace}`
}

/** From Redis: entries are stored encoded (see encode). */
async function read(key: string): Promise<Entry | undefined> {
  let raw: unknown
  try {
    raw = await state.redis!.call(s => s.getItemRaw(key))
  }
  catch {
    return undefined
  }
  return typeof raw === 'string' ? decode(raw) : undefined
}

/** In process, entries are kept as objects: no encoding, no parsing on a HIT. */
function readLocal(key: string): Entry | undefined {
  return state.lru.get(key) as Entry | undefined
}

async function write(layer: Layer, key: string, entry: Entry, seconds: number): Promise<void> {
  try {
    if (layer.remote) await state.redis!.call(s => s.setItemRaw(key, encode(entry), { ttl: seconds }))
    else await layer.storage.setItemRaw(key, entry)
  }
  catch {
    // Redis went away between the read and the write: the value is answered, just not kept.
  }
}

/** Frees the in-process entries of a namespace (they are unreachable already). */
async function dropLocal(namespace: string): Promise<void> {
  for (const key of await state.local.getKeys(namespace)) await state.local.removeItem(key)
}

function encode(entry: Entry): string {
  return `${entry.freshUntil} ${entry.staleUntil} ${entry.etag} ${entry.meta === undefined ? '-' : encodeURIComponent(entry.meta)}\n${entry.body}`
}

function decode(raw: string): Entry | undefined {
  const newline = raw.indexOf('\n')
  if (newline < 0) return undefined
  const [fresh, stale, etag, meta] = raw.slice(0, newline).split(' ')
  const freshUntil = Number(fresh)
  const staleUntil = Number(stale)
  if (!etag || !Number.isFinite(freshUntil) || !Number.isFinite(staleUntil)) return undefined
  return { freshUntil, staleUntil, etag, meta: meta === undefined || meta === '-' ? undefined : decodeURIComponent(meta), body: raw.slice(newline + 1) }
}

// HTTP glue for cached GETs: X-Cache, ETag, Cache-Control, 304 on a matching If-None-Match, and
// the cache status for Server-Timing. Responses need credentials, so nothing shared may keep them
// (`private`). An answer that names patients is `no-store`: no browser or disk keeps it (a shared
// workstation, a stolen laptop), though an API client may still send If-None-Match and get a 304.
// Aggregates are `no-cache`: a browser keeps them but revalidates each time, so a write is
// visible at once, and an unchanged answer costs a 304 with no body.
import type { H3Event } from 'h3'
import { AGGREGATE_ONLY, cached, CLAIMS_DATA, HEALTH_DATA, invalidate, type CachedOptions, type CacheResult, type Namespace } from '../services/cache/index.ts'

export const PATIENT_CACHE_CONTROL = 'private, no-store'
export const AGGREGATE_CACHE_CONTROL = 'private, no-cache'

export function cacheControlOf(namespace: Namespace): string {
  return AGGREGATE_ONLY.includes(namespace) ? AGGREGATE_CACHE_CONTROL : PATIENT_CACHE_CONTROL
}

/**
 * Looks the answer up in the cache (computing it on a miss) and notes the status for Server-Timing.
 * A request that says `Cache-Control: no-cache` (or `Pragma: no-cache`) asks for an answer
 * validated at the origin: it is computed afresh, and replaces the stored one.
 */
export async function cachedResult<T>(event: H3Event, namespace: Namespace, input: unknown, compute: () => T | Promise<T>, options: Pick<CachedOptions<T>, 'metaOf'> = {}): Promise<CacheResult<T>> {
  const result = await cached(namespace, input, compute, { ...options, revalidate: wantsRevalidation(event.node.req.headers) })
  if (event.context.measure) event.context.measure.cache = result.status
  return result
}

/** Sends a cached answer: its JSON body, or a 304 when the client already has it. */
export function sendCached(event: H3Event, namespace: Namespace, result: CacheResult<unknown>): string | Promise<void> {
  setResponseHeader(event, 'X-Cache', result.status)
  setResponseHeader(event, 'ETag', result.etag)
  setResponseHeader(event, 'Cache-Control', cacheControlOf(namespace))
  // Straight from Node's headers: h3's getRequestHeader copies every header of the request first.
  if (etagMatches(event.node.req.headers['if-none-match'], result.etag)) {
    setResponseStatus(event, 304, 'Not Modified')
    return send(event)
  }
  setResponseHeader(event, 'Content-Type', 'application/json')
  return result.body
}

/** The whole of a cached GET: look up, then send. */
export async function respondCached<T>(event: H3Event, namespace: Namespace, input: unknown, compute: () => T | Promise<T>) {
  return sendCached(event, namespace, await cachedResult(event, namespace, input, compute))
}

/** If-None-Match holds `*` or a list of (possibly weak) ETags. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some(tag => tag.trim().replace(/^W\//, '') === etag)
}

/** After a write to claims: every answer that reads claims or their rollup is dropped. */
export async function claimsChanged(): Promise<void> {
  await invalidate(CLAIMS_DATA)
}

/**
 * After a write to people's data, before the response: what it made stale is dropped, so the
 * client's next read sees its write. (Recomputes that finish in the background invalidate in
 * server/plugins/jobs.ts.)
 */
export async function healthChanged(kind: keyof typeof HEALTH_DATA, changedPersonIds: readonly string[]): Promise<void> {
  if (changedPersonIds.length > 0) await invalidate(HEALTH_DATA[kind])
}

/** `Cache-Control: no-cache` or `max-age=0`, or HTTP/1.0's `Pragma: no-cache`. */
export function wantsRevalidation(headers: { 'cache-control'?: string, pragma?: string }): boolean {
  const directives = headers['cache-control']
  if (directives) return /(?:^|,)\s*(?:no-cache|max-age=0)\s*(?:,|$)/i.test(directives)
  return /no-cache/i.test(headers.pragma ?? '')
}

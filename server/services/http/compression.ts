// Response compression: the coding a client accepts (Accept-Encoding with q-values, through
// negotiator), which answers are worth compressing, and the compression itself with node:zlib.
// Compressed bytes of an answer with an ETag (the cached GETs) are kept beside it, so a cache HIT
// is compressed once, not once per request.
import { Buffer } from 'node:buffer'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { LRUCache } from 'lru-cache'
import Negotiator from 'negotiator'

export type Coding = 'br' | 'gzip'

/** Smaller bodies fit in a packet or two either way, and a compressed one can come out larger. */
export const MIN_COMPRESS_BYTES = 1024
/**
 * Brotli quality 4: on the portal's JSON (a 16 KB claims page, a 320 KB list of 1,000) it is
 * smaller than gzip's default level and takes about a third of its time; brotli's default (11)
 * is some 200 times slower for another 15% (80 ms for that 16 KB page).
 */
export const BROTLI_QUALITY = 4
/** gzip for clients without brotli: zlib's default level. */
export const GZIP_LEVEL = 6
/** At most this many bytes of compressed answers are kept, least recently used going first. */
export const COMPRESSED_MEMO_BYTES = 16 * 1024 * 1024

const brotliOptions = (size?: number): zlib.BrotliOptions => ({
  params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    ...(size ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } : {}),
  },
})
const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)

// negotiator 1.x takes the server's order for ties (`Accept-Encoding: gzip, br` is brotli);
// @types/negotiator describes 0.6, which did not.
type EncodingOf = (available: readonly string[], options: { preferred: readonly string[] }) => string | undefined
const OFFERED = ['br', 'gzip', 'identity'] as const

/** The coding to send, or undefined for none (no header, `identity`, or every coding at q=0). */
export function negotiateCoding(acceptEncoding: string | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined
  const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } })
  const chosen = (negotiator.encoding as unknown as EncodingOf).call(negotiator, OFFERED, { preferred: OFFERED })
  return chosen === 'br' || chosen === 'gzip' ? chosen : undefined
}

/** Text formats compress well; images, archives and already-compressed data do not. */
export function isCompressible(contentType: string | undefined): boolean {
  if (!contentType) return false
  return /^(?:text\/|application\/(?:json|x-ndjson|javascript|xml|[\w.+-]+\+(?:json|xml))|image\/svg\+xml)/i.test(contentType.trim())
}

const memo = new LRUCache<string, Buffer>({ maxSize: COMPRESSED_MEMO_BYTES, sizeCalculation: b => b.length || 1 })

/**
 * The body compressed with `coding`. With `etag` (a strong validator of exactly these bytes), the
 * result is kept and reused for the same ETag and coding.
 */
export async function compressBody(body: string | Uint8Array, coding: Coding, etag?: string): Promise<Buffer> {
  const key = etag && !etag.startsWith('W/') ? `${coding} ${etag}` : undefined
  const known = key ? memo.get(key) : undefined
  if (known) return known
  const input = typeof body === 'string' ? Buffer.from(body) : body
  const out = coding === 'br' ? await brotli(input, brotliOptions(input.length)) : await gzip(input, { level: GZIP_LEVEL })
  if (key) memo.set(key, out)
  return out
}

/**
 * Brotli's window for a streamed answer: 256 KiB (2^18) instead of its default 4 MiB. A stream
 * holds its encoder for as long as it runs, and several exports at once each held tens of MiB;
 * CSV and NDJSON repeat within a few rows, so the smaller window costs them almost nothing.
 */
export const STREAM_BROTLI_WINDOW_BITS = 18

/** A compressing transform for a streamed answer (an export), flushed as it goes. */
export function compressStream(coding: Coding): zlib.BrotliCompress | zlib.Gzip {
  if (coding === 'gzip') return zlib.createGzip({ level: GZIP_LEVEL })
  const options = brotliOptions()
  return zlib.createBrotliCompress({ params: { ...options.params, [zlib.constants.BROTLI_PARAM_LGWIN]: STREAM_BROTLI_WINDOW_BITS } })
}

/** Forgets the kept compressed answers (tests). */
export function clearCompressedMemo(): void {
  memo.clear()
}

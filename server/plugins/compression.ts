// Compresses answers of 1 KB or more (JSON, pages, CSV and NDJSON, /metrics) with brotli or gzip,
// as the request's Accept-Encoding allows (server/services/http/compression.ts). Runs in Nitro's
// beforeResponse hook: the handler's body is known, its headers are set, nothing is sent yet.
// Not for HEAD (the same headers as an uncompressed GET, without the work), 204/304 (no body),
// or answers a handler wrote itself. Static assets are compressed at build instead
// (`compressPublicAssets` in nuxt.config.ts).
import { Readable } from 'node:stream'
import type { H3Event } from 'h3'
import { compressBody, compressStream, isCompressible, MIN_COMPRESS_BYTES, negotiateCoding } from '../services/http/compression.ts'

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('beforeResponse', async (event, response) => {
    const res = event.node.res
    // In-process requests (Nuxt's error page, server-side fetches: node-mock-http's request) cross
    // no wire, and their callers read the body as text.
    if ('__unenv__' in event.node.req) return
    if (event.handled || res.headersSent || res.hasHeader('content-encoding')) return
    if (res.statusCode === 204 || res.statusCode === 304 || res.statusCode < 200) return
    const body = response.body
    if (body instanceof Readable || body instanceof ReadableStream) return compressStreamed(event, response as { body: unknown }, body)
    const text = typeof body === 'string' || body instanceof Uint8Array ? body : serialisable(body) ? JSON.stringify(body) : undefined
    if (text === undefined) return
    // h3's own defaults for what it is about to send: a string is HTML, anything else JSON.
    if (!res.hasHeader('content-type') && !(body instanceof Uint8Array)) res.setHeader('Content-Type', typeof body === 'string' ? 'text/html;charset=utf-8' : 'application/json')
    if (!isCompressible(String(res.getHeader('content-type') ?? '')) || Buffer.byteLength(text) < MIN_COMPRESS_BYTES) return
    vary(event)
    const coding = event.method === 'HEAD' ? undefined : negotiateCoding(event.node.req.headers['accept-encoding'])
    if (!coding) {
      response.body = text
      return
    }
    const etag = res.getHeader('etag')
    const compressed = await compressBody(text, coding, typeof etag === 'string' ? etag : undefined)
    response.body = compressed
    res.setHeader('Content-Encoding', coding)
    res.setHeader('Content-Length', compressed.length)
  })
})

/** What h3 would send as JSON: objects, arrays, numbers, booleans (not errors, streams or responses). */
function serialisable(body: unknown): boolean {
  if (body === null || body === undefined || body instanceof Error || body instanceof Response) return false
  if (typeof body === 'object') return Object.getPrototypeOf(body) === Object.prototype || Array.isArray(body)
  return typeof body === 'number' || typeof body === 'boolean'
}

function vary(event: H3Event): void {
  const res = event.node.res
  const current = String(res.getHeader('vary') ?? '')
  if (!/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(current)) res.setHeader('Vary', current ? `${current}, Accept-Encoding` : 'Accept-Encoding')
}

/** A streamed answer (an export) is compressed as it streams, whatever its length. */
function compressStreamed(event: H3Event, response: { body: unknown }, body: Readable | ReadableStream): void {
  const res = event.node.res
  if (!isCompressible(String(res.getHeader('content-type') ?? ''))) return
  vary(event)
  const coding = event.method === 'HEAD' ? undefined : negotiateCoding(event.node.req.headers['accept-encoding'])
  if (!coding) return
  const source = body instanceof Readable ? body : Readable.fromWeb(body as import('node:stream/web').ReadableStream)
  const compressed = compressStream(coding)
  source.on('error', error => compressed.destroy(error))
  response.body = source.pipe(compressed)
  res.setHeader('Content-Encoding', coding)
  // Only when set: removing it also stops Node from computing one (harmless here: it is chunked).
  if (res.hasHeader('content-length')) res.removeHeader('content-length')
}

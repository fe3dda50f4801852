import type { H3Event } from 'h3'

/** The request's media type without parameters (`text/csv; charset=utf-8` → `text/csv`). */
export function mediaType(event: H3Event): string {
  return (getRequestHeader(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

/** 415 unless the body is one of `accepted`. */
export function requireMediaType<T extends string>(event: H3Event, accepted: readonly T[]): T {
  const type = mediaType(event)
  if (!(accepted as readonly string[]).includes(type)) {
    throw createError({ statusCode: 415, statusMessage: 'Unsupported Media Type', message: `Content-Type must be one of ${accepted.join(', ')}; got ${type || 'none'}` })
  }
  return type as T
}

/**
 * Reads the body as UTF-8 text, refusing (413) at the first byte past `maxBytes` rather than
 * after buffering whatever a client sends.
 */
export async function readLimitedText(event: H3Event, maxBytes: number): Promise<string> {
  const tooLarge = () => createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: `The body may be at most ${maxBytes} bytes` })
  const declared = Number(getRequestHeader(event, 'content-length') ?? 0)
  if (declared > maxBytes) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of event.node.req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw tooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

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

/**
 * A small JSON body (a PATCH, a new key or user, a sign-in): at most `maxBytes`, and a body that is
 * not JSON is a 400 with `data.issues` like any other bad input, not h3's bare "Invalid JSON body".
 * An empty body is undefined, so the schema names the missing fields.
 */
export async function readJsonBody(event: H3Event, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await readLimitedText(event, maxBytes)
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  }
  catch {
    throw invalidInput([{ path: '', message: 'is not valid JSON' }])
  }
}

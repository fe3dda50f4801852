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

/** After a 413: how long a client may go on sending while it reads the answer and stops. */
const LINGER_MS = 5000
/** And how much more of the body is read and dropped in that time before the connection is cut. */
const LINGER_BYTES = 64 * 1024 * 1024
/**
 * Never cut on bytes sooner than this after the answer: on loopback a client whose process is
 * starved of CPU for a moment (a busy machine) sends tens of MiB before it reads its 413, and a
 * byte cap alone then reset it (seen in CI at 16 MiB, and again at 64 MiB).
 */
const LINGER_GRACE_MS = 250

/**
 * Drops the rest of a refused body as it arrives, as servers do after an early answer (nginx's
 * "lingering close"): a connection closed under a client that is still sending resets it, and the
 * client then loses the 413 it was sent. A client that stops sending keeps its connection (the next
 * request on it works); one that goes on past LINGER_BYTES (well past what a network or a busy
 * client holds in flight before it reads the answer) once LINGER_GRACE_MS have passed since the
 * answer, or LINGER_MS after it, is cut off.
 */
function discardRest(event: H3Event): void {
  const req = event.node.req
  const socket = req.socket
  if (req.complete || !socket) return
  let dropped = 0
  let answeredAt = Number.POSITIVE_INFINITY
  const cut = () => {
    if (!req.complete) socket.destroy()
  }
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > LINGER_BYTES && performance.now() - answeredAt > LINGER_GRACE_MS) cut()
  })
  // An error here is the client hanging up, which is what a refused client may do.
  req.on('error', () => {})
  req.resume()
  event.node.res.once('finish', () => {
    answeredAt = performance.now()
    if (req.complete) return
    const timer = setTimeout(cut, LINGER_MS)
    timer.unref()
    req.once('end', () => clearTimeout(timer))
    socket.once('close', () => clearTimeout(timer))
  })
}

/**
 * Reads the body as UTF-8 text, refusing (413) at the first byte past `maxBytes` rather than
 * after buffering whatever a client sends, whether it declares a Content-Length or streams chunks.
 *
 * The request stream is never destroyed (a `for await` loop that throws would destroy it): that
 * detaches the socket while the 413 is still being written, and Nitro's shutdown tracker then
 * throws an uncaught TypeError ("Cannot set properties of null") when the response finishes.
 */
export function readLimitedText(event: H3Event, maxBytes: number): Promise<string> {
  const req = event.node.req
  const tooLarge = () => {
    discardRest(event)
    return createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: `The body may be at most ${maxBytes} bytes` })
  }
  const declared = Number(getRequestHeader(event, 'content-length') ?? 0)
  if (declared > maxBytes) return Promise.reject(tooLarge())
  if (req.readableEnded) return Promise.resolve('')
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    function onData(chunk: Buffer) {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      stop()
      chunks.length = 0
      reject(tooLarge())
    }
    function onEnd() {
      stop()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    // A client that hangs up mid-body gets no answer; this only keeps it from counting as a 500.
    function onError() {
      stop()
      reject(invalidInput([{ path: '', message: 'was cut off before its end' }], 'Invalid body'))
    }
    function onClose() {
      if (!req.complete) onError()
    }
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', onError)
    req.once('close', onClose)
  })
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

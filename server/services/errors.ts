// The one place that decides what an unexpected error means to a client. Expected failures are
// thrown as createError({ statusCode }) by the routes; everything else comes through here.

export interface ClassifiedError {
  statusCode: number
  statusMessage: string
  message: string
  /** Seconds, for 503 and 429. */
  retryAfter?: number
}

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED'])

function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Maps an error nobody handled to a response; undefined when it already carries a 4xx status. */
export function classifyUnexpected(error: unknown): ClassifiedError | undefined {
  const status = (error as { statusCode?: number }).statusCode
  const code = sqliteCode(error)
  if (code && BUSY_CODES.has(code)) {
    return { statusCode: 503, statusMessage: 'Service Unavailable', message: 'The database is busy; retry shortly', retryAfter: 1 }
  }
  if (typeof status === 'number' && status >= 400 && status < 500) return undefined
  return { statusCode: 500, statusMessage: 'Internal Server Error', message: 'Internal error' }
}

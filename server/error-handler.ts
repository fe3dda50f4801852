// API errors: a busy database is a 503 with Retry-After; an unexpected error is a 500 that shows
// nothing internal. 4xx errors and pages fall through to Nuxt's own handler.
import type { H3Event } from 'h3'
import { classifyUnexpected } from './services/errors.ts'

export default function apiErrorHandler(error: unknown, event: H3Event) {
  const path = event.path ?? ''
  if (!path.startsWith('/api/') && !path.startsWith('/metrics') && !path.startsWith('/readyz')) return
  // The error itself first: an h3 404 (an unknown /api path) wraps a cause that carries no status.
  const classified = classifyUnexpected(error)
  if (!classified) return
  if (classified.statusCode >= 500 && classified.statusCode !== 503) console.error('[api]', event.method, path.split('?')[0], error)
  setResponseStatus(event, classified.statusCode, classified.statusMessage)
  if (classified.retryAfter) setResponseHeader(event, 'Retry-After', classified.retryAfter)
  setResponseHeader(event, 'Content-Type', 'application/json')
  return send(event, JSON.stringify({
    error: true,
    url: getRequestURL(event).pathname,
    statusCode: classified.statusCode,
    statusMessage: classified.statusMessage,
    message: classified.message,
  }))
}

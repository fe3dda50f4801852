// API errors: an expected failure (a DomainError) gets its status here and is rendered, unlogged,
// by Nuxt's own handler like any 4xx; a busy database is a 503 with Retry-After; an unexpected
// error is a 500 that shows nothing internal. Pages fall through to Nuxt's own handler.
// Logs name the route template (`/api/v1/claims/:id`, `(unmatched)`), never the request's path or
// query: either can hold a patient's id.
import type { H3Event } from 'h3'
import { classifyUnexpected, mapDomainError } from './services/errors.ts'
import { routeLabel } from './services/monitoring/route-label.ts'
import { noteStorageFault, storageFaultOf } from './services/storage/faults.ts'

const routeOf = (event: H3Event, status: number) => routeLabel(event.context.matchedRoute?.path, status, event.path ?? '')

export default function apiErrorHandler(error: unknown, event: H3Event) {
  const path = event.path ?? ''
  if (!path.startsWith('/api/') && !path.startsWith('/metrics') && !path.startsWith('/readyz')) return quietPageError(error, event)
  const domain = mapDomainError(error)
  if (domain) return asClientError(error, domain)
  // The error itself first: an h3 404 (an unknown /api path) wraps a cause that carries no status.
  const classified = classifyUnexpected(error)
  if (!classified) return
  if (classified.statusCode === 507) noteStorageFault(storageFaultOf(error)!)
  if (classified.statusCode >= 500 && classified.statusCode !== 503 && classified.statusCode !== 507) console.error('[api]', event.method, routeOf(event, classified.statusCode), error)
  setResponseStatus(event, classified.statusCode, classified.statusMessage)
  if (classified.retryAfter) setResponseHeader(event, 'Retry-After', classified.retryAfter)
  setResponseHeader(event, 'Content-Type', 'application/json')
  return send(event, JSON.stringify({
    error: true,
    url: getRequestURL(event).pathname,
    statusCode: classified.statusCode,
    statusMessage: classified.statusMessage,
    message: classified.message,
    ...(classified.data ? { data: classified.data } : {}),
  }))
}

/**
 * h3 wraps what a handler throws in an H3Error marked unhandled (a 500); the same object goes on to
 * Nuxt's handler, so it is given the domain error's status and text and no longer counts as
 * unhandled (which Nitro would log with the full URL).
 */
function asClientError(error: unknown, mapped: ReturnType<typeof mapDomainError> & object): undefined {
  const e = error as { statusCode?: number, statusMessage?: string, message?: string, data?: unknown, unhandled?: boolean, fatal?: boolean }
  Object.assign(e, { statusCode: mapped.statusCode, statusMessage: mapped.statusMessage, message: mapped.message, data: mapped.data, unhandled: false, fatal: false })
}

/**
 * A page's unexpected error: Nitro's default handler would log it with the full URL. It is logged
 * here by route template instead, and handed on to Nuxt's error page as a plain 500 that Nitro
 * neither logs again nor describes to the client.
 */
function quietPageError(error: unknown, event: H3Event): undefined {
  const e = error as { unhandled?: boolean, fatal?: boolean, message?: string, data?: unknown }
  if (!e || typeof e !== 'object' || !(e.unhandled || e.fatal)) return
  console.error('[page]', event.method, routeOf(event, 500), error)
  e.unhandled = false
  e.fatal = false
  e.message = 'Server Error'
  e.data = undefined
}

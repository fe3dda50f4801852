// The origin check for requests that a browser sends with the session cookie attached: a cookie
// also travels with requests other sites make (a form posted from evil.example), so a write with
// it, and sign-in and sign-out themselves (login CSRF), must come from the portal's own origin.
import type { H3Event } from 'h3'
import { createError, getRequestHeader, getRequestHost } from 'h3'

/** True when the browser says the request comes from another site (Sec-Fetch-Site) or another origin (Origin). */
export function isCrossSite(event: H3Event): boolean {
  if (getRequestHeader(event, 'sec-fetch-site') === 'cross-site') return true
  const origin = getRequestHeader(event, 'origin')
  if (!origin) return false
  try {
    return new URL(origin).host !== getRequestHost(event, { xForwardedHost: false })
  }
  catch {
    // `Origin: null` (a sandboxed frame, a redirect from elsewhere) or garbage: not this origin.
    return true
  }
}

/** 403 unless the request comes from the portal's own origin (see isCrossSite). */
export function requireSameOrigin(event: H3Event, message: string): void {
  if (isCrossSite(event)) throw createError({ statusCode: 403, statusMessage: 'Forbidden', message })
}

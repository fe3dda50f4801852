// CORS for /api/v1, closed unless NUXT_CORS_ORIGINS lists origins: a listed origin gets the CORS headers and its preflight answered here, before auth (a preflight carries no credentials); any other origin gets none.
import type { H3CorsOptions, H3Event } from 'h3'
import { parseCorsOrigins } from '../services/http/cors-origins.ts'

// Keys travel in Authorization, which a cross-origin page must send itself; the session cookie is
// the dashboard's own (SameSite=Lax) and is never accepted cross-origin: no Allow-Credentials.
const OPTIONS: H3CorsOptions = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'if-none-match', 'cache-control', 'x-request-id'],
  exposeHeaders: ['etag', 'x-request-id', 'x-cache', 'server-timing', 'location', 'link', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
  credentials: false,
  preflight: { statusCode: 204 },
}

let allowed: { from: string, origins: string[] } | undefined

function allowedOrigins(event: H3Event): string[] {
  const text = String(useRuntimeConfig().corsOrigins ?? '')
  if (allowed?.from !== text) {
    const { origins, invalid } = parseCorsOrigins(text)
    if (invalid.length > 0) console.warn(`[cors] NUXT_CORS_ORIGINS: ignoring what is not an origin (scheme://host[:port]): ${invalid.join(', ')}`)
    allowed = { from: text, origins }
  }
  return allowed.origins
}

export default defineEventHandler((event) => {
  if (event.path !== '/api/v1' && !event.path.startsWith('/api/v1/') && !event.path.startsWith('/api/v1?')) return
  const origin = event.node.req.headers.origin
  if (!origin) return
  const origins = allowedOrigins(event)
  if (!origins.includes(origin)) return
  // h3 leaves Max-Age out: a browser may reuse this preflight's answer for 10 minutes.
  if (isPreflightRequest(event)) setResponseHeader(event, 'Access-Control-Max-Age', 600)
  // Answers a preflight (204, which ends the request) or adds the headers to the actual request.
  handleCors(event, { ...OPTIONS, origin: origins })
})

// Counting a request against its rate limit: per API key or signed-in user, else per client
// address; 429 with Retry-After past the limit, and RateLimit-* headers on every counted answer.
import type { H3Event } from 'h3'
import type { Principal } from '../services/auth/api-keys.ts'
import { sharedRedis } from '../services/cache/index.ts'
import { RateLimiter } from '../services/rate-limit/index.ts'

const limiter = new RateLimiter({ redis: sharedRedis })

/**
 * Not counted: the probes (a load balancer polls them), the app's static assets (a page load
 * fetches dozens, and Nitro serves them before any middleware when they exist), and requests
 * Nitro makes to itself while rendering a page (useFetch during SSR): the page was counted.
 */
function exempt(event: H3Event): boolean {
  if (isInternalRequest(event)) return true
  const path = event.path.split('?')[0]!
  if (path === '/healthz' || path === '/readyz') return true
  return path.startsWith('/_nuxt/')
}

/** Counts this request for `principal` (or, without one, its address); throws the 429 past the limit. */
export async function countRequest(event: H3Event, principal: Principal | undefined): Promise<void> {
  if (exempt(event)) return
  const config = useRuntimeConfig()
  const limit = Number(principal ? config.rateLimitPerMinute : config.rateLimitAnonPerMinute)
  if (!(limit > 0)) return
  const bucket = principal ? `${principal.kind}:${principal.id}` : `address:${clientAddress(event)}`
  const hit = await limiter.hit(bucket, limit)
  const res = event.node.res
  res.setHeader('RateLimit-Limit', String(hit.limit))
  res.setHeader('RateLimit-Remaining', String(hit.remaining))
  res.setHeader('RateLimit-Reset', String(hit.resetSeconds))
  if (hit.limited) {
    res.setHeader('Retry-After', String(hit.resetSeconds))
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `More than ${hit.limit} requests a minute ${principal ? `for this ${principal.kind === 'key' ? 'API key' : 'user'}` : 'from this address'}; try again in ${hit.resetSeconds} s` })
  }
}

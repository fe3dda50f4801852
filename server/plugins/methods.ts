// HEAD for every GET route (its GET handler; Node sends no body) and 405 with Allow for a method a
// route does not serve, for every route at once: from the handlers Nitro registered (the route
// files and modules' routes), not per route. Both are router handlers, so they run after the
// middleware: a HEAD is authorised, limited and counted (as HEAD) like its GET, and a 405 comes
// after auth (an anonymous POST to a GET route is the 401 every /api/v1 path gives it, so which
// methods a path serves cannot be probed without credentials).
import { Buffer } from 'node:buffer'
import type { ServerResponse } from 'node:http'
import type { EventHandler, H3Event } from 'h3'
import { handlers } from '#nitro-internal-virtual/server-handlers'
import { allowHeader, routeMethods } from '../services/http/route-methods.ts'

export default defineNitroPlugin((nitroApp) => {
  const preflight = String(useRuntimeConfig().corsOrigins ?? '').trim() !== ''
  for (const [route, methods] of routeMethods(handlers)) {
    const get = handlers.find(h => h.route === route && h.method === 'get' && !h.middleware)
    if (get && !methods.has('HEAD')) nitroApp.router.use(route, get.lazy ? lazyEventHandler(get.handler as () => Promise<EventHandler>) : get.handler as EventHandler, 'head')
    const allow = allowHeader(methods, preflight && (route === '/api/v1' || route.startsWith('/api/v1/')))
    // A handler for every method, which h3 picks only when none names the request's method.
    nitroApp.router.use(route, defineEventHandler(event => methodNotAllowed(event, allow)))
  }
  // Pages too (the renderer serves every method): Node drops a HEAD's body, and with it the
  // Content-Length it would have computed for the GET, unless it is set before the headers go.
  nitroApp.hooks.hook('request', (event) => {
    if (event.method === 'HEAD') keepContentLength(event.node.res)
  })
})

function keepContentLength(res: ServerResponse): void {
  const end = res.end
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    res.end = end
    if ((typeof chunk === 'string' || chunk instanceof Uint8Array) && !res.headersSent && !res.hasHeader('content-length')) {
      res.setHeader('Content-Length', Buffer.byteLength(chunk))
    }
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest)
  } as typeof res.end
}

/** h3's JSON error shape, answered here rather than thrown: a path outside /api would get an HTML error page. */
function methodNotAllowed(event: H3Event, allow: string) {
  setResponseHeader(event, 'Allow', allow)
  setResponseStatus(event, 405, 'Method Not Allowed')
  return { statusCode: 405, statusMessage: 'Method Not Allowed', message: `${event.method} is not served here (allowed: ${allow})` }
}

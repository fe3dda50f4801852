// Which methods each route template serves, from the handlers Nitro registers (one per route file,
// plus modules' own). h3's router matches methods exactly: it answers HEAD only where a handler
// says HEAD, and a method a path does not serve falls through to the page renderer's 404. This is
// the table server/plugins/methods.ts answers HEAD and 405 from.

export interface RegisteredHandler {
  route?: string
  method?: string
  middleware?: boolean
}

/**
 * Route template → the methods its handlers serve (upper case), for templates whose every handler
 * names a method. A template with a method-less handler (the renderer's `/**`, `/__nuxt_error`)
 * serves any method and is left out, as are middleware.
 */
export function routeMethods(handlers: readonly RegisteredHandler[]): Map<string, Set<string>> {
  const byRoute = new Map<string, Set<string>>()
  const anyMethod = new Set<string>()
  for (const h of handlers) {
    if (h.middleware || !h.route) continue
    if (!h.method) {
      anyMethod.add(h.route)
      continue
    }
    let methods = byRoute.get(h.route)
    if (!methods) byRoute.set(h.route, methods = new Set())
    methods.add(h.method.toUpperCase())
  }
  for (const route of anyMethod) byRoute.delete(route)
  return byRoute
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * The `Allow` header of a template: its methods, HEAD wherever GET is served (server/plugins/methods.ts
 * answers it), and OPTIONS where a CORS preflight is answered (server/middleware/00.cors.ts).
 */
export function allowHeader(methods: ReadonlySet<string>, preflight: boolean): string {
  const all = new Set(methods)
  if (all.has('GET')) all.add('HEAD')
  if (preflight) all.add('OPTIONS')
  return [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(', ')
}

function rank(method: string): number {
  const i = ORDER.indexOf(method)
  return i === -1 ? ORDER.length : i
}

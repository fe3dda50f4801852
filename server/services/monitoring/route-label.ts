// The route a request is counted and logged under: the template of the route that served it
// (`/api/v1/claims/:id`), never the path it asked for, which can hold a patient's id. A path no
// route serves is the fixed placeholder UNMATCHED_ROUTE in the route statistics, the slow-request
// log, Prometheus labels and error logs alike.

export const UNMATCHED_ROUTE = '(unmatched)'
/** Nuxt's renderer: the catch-all that answers every page, and every path nothing else serves. */
export const PAGES_ROUTE = '/**'

/**
 * `template` is the matched route's template, if any. The renderer matches everything, so a 404
 * from it means that no page matched, and an /api path it would serve is no API route at all.
 */
export function routeLabel(template: string | undefined, status: number, path: string): string {
  if (!template) return UNMATCHED_ROUTE
  if (template === PAGES_ROUTE && (status === 404 || path === '/api' || path.startsWith('/api/'))) return UNMATCHED_ROUTE
  return template
}

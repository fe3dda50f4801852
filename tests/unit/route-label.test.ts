// What a request is counted and logged under: a route template, or (unmatched); never the path.
import { describe, expect, it } from 'vitest'
import { PAGES_ROUTE, routeLabel, UNMATCHED_ROUTE } from '../../server/services/monitoring/route-label.ts'

describe('routeLabel', () => {
  it('keeps the template of the route that served the request', () => {
    expect(routeLabel('/api/v1/claims/:id', 200, '/api/v1/claims/17')).toBe('/api/v1/claims/:id')
    expect(routeLabel('/api/v1/claims/:id', 404, '/api/v1/claims/999')).toBe('/api/v1/claims/:id')
    expect(routeLabel(PAGES_ROUTE, 200, '/claims')).toBe(PAGES_ROUTE)
  })

  it('is the placeholder when nothing matched, the renderer answered 404, or an /api path fell through to it', () => {
    expect(routeLabel(undefined, 401, '/api/v1/PT-123')).toBe(UNMATCHED_ROUTE)
    expect(routeLabel(PAGES_ROUTE, 404, '/PT-123')).toBe(UNMATCHED_ROUTE)
    expect(routeLabel(PAGES_ROUTE, 401, '/api/v1/PT-123')).toBe(UNMATCHED_ROUTE)
    expect(routeLabel(PAGES_ROUTE, 200, '/api')).toBe(UNMATCHED_ROUTE)
  })
})

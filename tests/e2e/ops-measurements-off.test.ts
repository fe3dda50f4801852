// NUXT_MEASUREMENTS=false, the switch benchmarks use to price measuring: no Server-Timing and no
// route statistics, while the request id and the cache keep working.
import { describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 500 }, env: { NUXT_MEASUREMENTS: 'false' } })

describe('measurements off', () => {
  it('answers without Server-Timing and records no route statistics, but keeps X-Request-Id and the cache', async () => {
    const first = await fetch('/api/v1/claims/metrics', auth(portal.keys.viewer))
    const second = await fetch('/api/v1/claims/metrics', auth(portal.keys.viewer))
    expect(first.status).toBe(200)
    expect(first.headers.get('server-timing')).toBeNull()
    expect(first.headers.get('x-request-id')).toBeTruthy()
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['MISS', 'HIT'])
    const routes = await (await fetch('/api/v1/admin/routes', auth(portal.keys.admin))).json() as any
    expect(routes.routes).toEqual([])
  })
})

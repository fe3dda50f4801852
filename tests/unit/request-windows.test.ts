import { describe, expect, it } from 'vitest'
import { MINUTE_MS, MinuteSeries } from '../../server/services/monitoring/windows.ts'
import { overallStats, recordRequest, resetRequestStats, routeStats, slowRequests, configureRequestStats, requestHistory } from '../../server/services/monitoring/requests.ts'

const T0 = Date.parse('2026-06-01T12:00:00Z')

describe('MinuteSeries windows', () => {
  it('computes count, errors, rps and percentiles from the buckets inside the window only', () => {
    const series = new MinuteSeries()
    // Ten minutes ago: 100 slow requests that only the 1h window may see.
    for (let i = 0; i < 100; i++) series.record(900, false, T0 - 10 * MINUTE_MS)
    // The current minute: 1..100 ms, two of them errors.
    for (let ms = 1; ms <= 100; ms++) series.record(ms, ms > 98, T0 + 30_000)
    const now = T0 + 30_000
    const last = series.window('1m', now, T0 - 3_600_000)
    expect(last.count).toBe(100)
    expect(last.errors).toBe(2)
    expect(last.errorRate).toBe(0.02)
    expect(last.p50Ms).toBeGreaterThan(45)
    expect(last.p50Ms).toBeLessThan(55)
    expect(last.p95Ms).toBeGreaterThan(95 * 0.9)
    expect(last.p99Ms).toBeLessThanOrEqual(100)
    // The 1m window spans the previous minute and this one so far: 90 s.
    expect(last.rps).toBeCloseTo(100 / 90, 5)
    const hour = series.window('1h', now, T0 - 3_600_000)
    expect(hour.count).toBe(200)
    expect(hour.p95Ms).toBeGreaterThan(800)
    expect(series.window('5m', now, T0 - 3_600_000).count).toBe(100)
  })

  it('divides by the process age when it is younger than the window', () => {
    const series = new MinuteSeries()
    for (let i = 0; i < 20; i++) series.record(5, false, T0 + 9000)
    expect(series.window('5m', T0 + 10_000, T0).rps).toBeCloseTo(2, 5)
  })

  it('keeps per-minute summaries for 24 hours and drops older ones', () => {
    const series = new MinuteSeries()
    for (let m = 0; m < 26 * 60; m += 30) series.record(10 + m / 60, m % 60 === 0, T0 + m * MINUTE_MS)
    const now = T0 + 26 * 60 * MINUTE_MS
    const history = series.minutes(now)
    expect(Date.parse(history[0]!.minute)).toBeGreaterThanOrEqual(now - 24 * 60 * MINUTE_MS)
    expect(history.length).toBe(48)
    expect(history.at(-1)).toMatchObject({ count: 1, p50Ms: expect.any(Number) })
    // Old minutes outside the last hour still answer percentiles from their summary.
    expect(history[0]!.p99Ms).toBeGreaterThan(0)
  })
})

describe('request statistics per route template', () => {
  it('groups by method and template, orders by traffic, and logs slow requests', () => {
    resetRequestStats(T0)
    configureRequestStats({ slowRequestMs: 500 })
    for (let i = 0; i < 5; i++) recordRequest('GET', '/api/v1/claims/:id', 200, 3, { dbMs: 1, requestId: `r${i}` }, T0 + 1000)
    recordRequest('GET', '/api/v1/claims/:id', 503, 700, { dbMs: 650, requestId: 'slow-1' }, T0 + 2000)
    recordRequest('PATCH', '/api/v1/claims/:id', 200, 8, { dbMs: 2, requestId: 'p' }, T0 + 2000)
    const stats = routeStats('5m', T0 + 3000)
    expect(stats.map(r => `${r.method} ${r.route}`)).toEqual(['GET /api/v1/claims/:id', 'PATCH /api/v1/claims/:id'])
    expect(stats[0]).toMatchObject({ count: 6, errors: 1 })
    expect(overallStats('5m', T0 + 3000)).toMatchObject({ count: 7, errors: 1 })
    expect(slowRequests()).toEqual([{ at: new Date(T0 + 2000).toISOString(), method: 'GET', route: '/api/v1/claims/:id', status: 503, durationMs: 700, dbMs: 650, requestId: 'slow-1' }])
    expect(requestHistory(T0 + 3000).at(-1)).toMatchObject({ count: 7, errors: 1 })
  })
})

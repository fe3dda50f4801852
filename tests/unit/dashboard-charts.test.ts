import { describe, expect, it } from 'vitest'
import { pairsScatter, sortCorrelations, type Correlation } from '../../utils/charts/correlations.ts'
import { patternsChart, trendDirection, type DenialPattern } from '../../utils/charts/denials.ts'
import { healthChart, intakeDaysFromPairs } from '../../utils/charts/health.ts'
import { appendSample, hitRateOverTimeChart, intervalHitRates, namespaceChart, requestHistoryChart, routeLatencyChart } from '../../utils/charts/ops.ts'
import { billedPaidChart, denialTrendChart, providersByDenialRate, shortLabel, topDenialReasons, type MetricsRow } from '../../utils/charts/overview.ts'

const row = (key: string, claims: number, denied: number, billedCents = 0, paidCents = 0): MetricsRow =>
  ({ key, claims, denied, billedCents, paidCents, deniedCents: denied * 100, denialRate: claims ? denied / claims : 0 })

describe('overview charts', () => {
  it('plots the denial rate in percent per bucket, with the table beside it', () => {
    const { chart, table } = denialTrendChart([row('2026-01', 200, 20), row('2026-02', 100, 5)])
    expect(chart.data.labels).toEqual(['2026-01', '2026-02'])
    expect(chart.data.datasets[0]).toMatchObject({ label: 'Denial rate (%)', data: [10, 5] })
    expect(chart.data.datasets[1]).toMatchObject({ label: 'Claims', data: [200, 100] })
    expect(table.rows).toEqual([['2026-01', '200', '20', '10.0%'], ['2026-02', '100', '5', '5.0%']])
  })

  it('shows billed and paid in whole dollars', () => {
    const { chart, table } = billedPaidChart([row('w1', 1, 0, 123456, 100049)])
    expect(chart.data.datasets.map(d => d.data)).toEqual([[1235], [1000]])
    expect(table.rows[0]).toEqual(['w1', '$1,235', '$1,000', '81.0%'])
  })

  it('ranks denial reasons by count with their share, leaving out the empty key', () => {
    const reasons = topDenialReasons([row('', 500, 0), row('CO-16', 30, 30), row('PR-1', 10, 10), row('CO-97', 30, 30)], 2)
    expect(reasons.map(r => r.reason)).toEqual(['CO-16', 'CO-97'])
    expect(reasons[0]!.share).toBeCloseTo(30 / 70)
  })

  it('ranks providers by denial rate, ignoring those with too few claims', () => {
    const rates = providersByDenialRate([row('1', 10, 9), row('2', 100, 30), row('3', 200, 20)], { 2: 'Cedar Clinic' }, 10, 20)
    expect(rates.map(r => [r.providerId, r.name])).toEqual([['2', 'Cedar Clinic'], ['3', 'Provider 3']])
    expect(shortLabel('Bayside Behavioral Health Health Partners')).toBe('Bayside Behavioral Heal…')
    expect(shortLabel('Short')).toBe('Short')
  })
})

describe('denial patterns', () => {
  const p = (denialReason: string, count: number, previousCount: number, trend: number | null): DenialPattern =>
    ({ denialReason, providerId: 1, providerName: 'Cedar', payer: 'Aetna', count, previousCount, share: 0.1, deniedCents: 5000, trend })

  it('classifies trends with a ±10% steady band', () => {
    expect(trendDirection(0.5)).toBe('up')
    expect(trendDirection(-0.2)).toBe('down')
    expect(trendDirection(0.05)).toBe('steady')
    expect(trendDirection(null)).toBe('new')
  })

  it('compares this period with the previous one for the top patterns', () => {
    const { chart, table } = patternsChart([p('CO-16', 12, 6, 1), p('PR-1', 4, 0, null)], 1)
    expect(chart.data.labels).toEqual(['CO-16 · Aetna'])
    expect(chart.data.datasets.map(d => d.data)).toEqual([[12], [6]])
    expect(table.rows).toEqual([['CO-16 · Cedar · Aetna', '12', '6', '+100%', '10.0%', '$50']])
  })
})

describe('health chart', () => {
  it('derives intake days from the pairs with a dose (a pair\'s day is its intake day)', () => {
    const pairs = [{ day: '2026-01-05', dose: 100, value: 59 }, { day: '2026-01-02', dose: 200, value: 60 }, { day: '2026-01-03', dose: 0, value: 61 }, { day: '2026-01-06', dose: null, value: 58 }]
    expect(intakeDaysFromPairs(pairs)).toEqual(['2026-01-02', '2026-01-05'])
  })

  it('draws the band between max and min, the average, and marks intake days on the same labels', () => {
    const rows = [{ bucket: '2026-01-01', avg: 60, min: 55, max: 66, count: 4 }, { bucket: '2026-01-02', avg: null, min: null, max: null, count: 0 }]
    const { chart, table } = healthChart(rows, ['2026-01-02', '2025-12-31'], 'resting_heart_rate')
    expect(chart.data.labels).toEqual(['2026-01-01', '2026-01-02'])
    const [max, min, avg, intake] = chart.data.datasets
    expect(max).toMatchObject({ label: 'Max', data: [66, null], fill: '+1' })
    expect(min).toMatchObject({ label: 'Min', data: [55, null] })
    expect(avg).toMatchObject({ label: 'Daily average', data: [60, null] })
    expect(intake).toMatchObject({ label: 'Supplement taken', data: [null, 1], yAxisID: 'intake' })
    expect(table.rows[0]).toEqual(['2026-01-01', '60.0', '55.0', '66.0', '4', ''])
    expect(table.rows[1]![5]).toBe('yes')
    expect((chart.options!.scales as Record<string, unknown>).intake).toMatchObject({ axis: 'y', display: false })
    // Without intakes there is no intake dataset, and so no intake axis (chart.js throws on an unused axis).
    const bare = healthChart(rows, [], 'hrv').chart
    expect(bare.data.datasets).toHaveLength(3)
    expect(bare.options!.scales).not.toHaveProperty('intake')
  })
})

describe('correlations', () => {
  const c = (id: number, pearsonR: number | null, n: number): Correlation =>
    ({ id, personId: 'p', supplementId: 's', metric: 'hrv', lagDays: 0, n, pearsonR, spearmanRho: null, pValue: null, qValue: null, ci95: null, effect: null, computedAt: '' })

  it('sorts by a column either way with missing values last, and by strength', () => {
    const rows = [c(1, 0.2, 30), c(2, -0.6, 40), c(3, null, 50), c(4, 0.5, 20)]
    expect(sortCorrelations(rows, 'pearsonR', 'desc').map(r => r.id)).toEqual([4, 1, 2, 3])
    expect(sortCorrelations(rows, 'pearsonR', 'asc').map(r => r.id)).toEqual([2, 1, 4, 3])
    expect(sortCorrelations(rows, 'absR', 'desc').map(r => r.id)).toEqual([2, 4, 1, 3])
    expect(sortCorrelations(rows, 'n', 'asc').map(r => r.id)).toEqual([4, 1, 2, 3])
    expect(rows.map(r => r.id)).toEqual([1, 2, 3, 4])
  })

  it('plots each day as dose against value, skipping incomplete pairs', () => {
    const { chart, table } = pairsScatter([{ day: 'd1', dose: 0, value: 50 }, { day: 'd2', dose: 200, value: null }, { day: 'd3', dose: 100, value: 55.25 }], 'Magnesium dose', 'HRV (ms)')
    expect(chart.data.datasets[0]!.data).toEqual([{ x: 0, y: 50 }, { x: 100, y: 55.25 }])
    expect(table.rows).toEqual([['d1', '0', '50.0'], ['d2', '200', '–'], ['d3', '100', '55.3']])
  })
})

describe('operations charts', () => {
  it('shows the busiest routes\' percentiles', () => {
    const r = (route: string, count: number) => ({ route, method: 'GET', count, errors: 0, rps: 1, p50Ms: 1, p95Ms: 5, p99Ms: 9 })
    const { chart } = routeLatencyChart([r('/a', 1), r('/b', 10), r('/c', 5)], 2)
    expect(chart.data.labels).toEqual(['GET /b', 'GET /c'])
    expect(chart.data.datasets.map(d => d.label)).toEqual(['p50 (ms)', 'p95 (ms)', 'p99 (ms)'])
  })

  it('keeps the last hour of the request history, oldest first', () => {
    const m = (minute: string, count: number) => ({ minute, count, errors: 0, p50Ms: 1, p95Ms: count, p99Ms: 9 })
    const { chart, table } = requestHistoryChart([m('2026-01-01T10:30:00.000Z', 3), m('2026-01-01T09:00:00.000Z', 8), m('2026-01-01T10:00:00.000Z', 5)])
    expect(chart.data.labels).toEqual(['10:00', '10:30'])
    expect(chart.data.datasets[1]!.data).toEqual([5, 3])
    expect(table.rows).toHaveLength(2)
    expect(requestHistoryChart([]).table.rows).toEqual([])
  })

  it('turns cumulative cache counters into the hit rate of each interval', () => {
    let samples = appendSample([], { at: 0, hits: 0, misses: 0 })
    samples = appendSample(samples, { at: 5000, hits: 8, misses: 2 })
    samples = appendSample(samples, { at: 10000, hits: 8, misses: 2 })
    samples = appendSample(samples, { at: 15000, hits: 9, misses: 5 })
    expect(intervalHitRates(samples)).toEqual([{ at: 5000, hitRate: 0.8 }, { at: 10000, hitRate: null }, { at: 15000, hitRate: 0.25 }])
    expect(hitRateOverTimeChart(samples).chart.data.datasets[0]!.data).toEqual([80, null, 25])
    // A restart (counters going down) starts the series over; the window keeps the last `max`.
    expect(appendSample(samples, { at: 20000, hits: 1, misses: 0 })).toEqual([{ at: 20000, hits: 1, misses: 0 }])
    expect(appendSample(samples, { at: 20000, hits: 10, misses: 5 }, 2)).toHaveLength(2)
  })

  it('shows each namespace\'s hit rate in percent', () => {
    const { chart, table } = namespaceChart([{ namespace: 'b', hits: 1, misses: 3, hitRate: 0.25, keys: 2 }, { namespace: 'a', hits: 9, misses: 1, hitRate: 0.9, keys: 4 }])
    expect(chart.data.labels).toEqual(['a', 'b'])
    expect(chart.data.datasets[0]!.data).toEqual([90, 25])
    expect(table.rows[1]).toEqual(['b', '25.0%', '1', '3', '2'])
  })
})

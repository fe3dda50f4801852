import { Histogram, Registry, type Metric } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { ScrapedHistogram } from '../../server/services/monitoring/scraped-histogram.ts'

// /metrics renders the request and query histograms from plain counters; a scraper must see
// exactly what prom-client's own Histogram would have written for the same samples.
describe('ScrapedHistogram', () => {
  const bounds = [0.001, 0.01, 0.1, 1]
  const samples: [string, string, number][] = [
    ['GET', '/api/v1/claims/:id', 0.0004], ['GET', '/api/v1/claims/:id', 0.001], ['GET', '/api/v1/claims/:id', 0.05],
    ['POST', '/api/v1/claims', 3], ['GET', '/a "quoted"\\route', 0.2],
  ]

  it('renders the same Prometheus text as a prom-client Histogram given the same samples', async () => {
    const theirs = new Registry()
    const reference = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['method', 'route'], buckets: bounds, registers: [theirs] })
    const ours = new Registry()
    const scraped = new ScrapedHistogram<'method' | 'route'>('h_seconds', 'help', bounds)
    ours.registerMetric(scraped as unknown as Metric)
    for (const [method, route, value] of samples) {
      reference.observe({ method, route }, value)
      scraped.observe(`${method} ${route}`, () => ({ method, route }), value)
    }
    const text = await ours.metrics()
    expect(text).toBe(await theirs.metrics())
    expect(text).toContain('h_seconds_bucket{le="0.001",method="GET",route="/api/v1/claims/:id"} 2')
    expect(text).toContain('h_seconds_bucket{le="+Inf",method="POST",route="/api/v1/claims"} 1')
    // The JSON form too, but for prom-client's (always empty) exemplars.
    const withoutExemplars = (json: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      json.map(m => ({ ...m, values: m.values.map(v => ({ labels: v.labels, value: v.value, metricName: (v as { metricName?: string }).metricName })) }))
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()))
  })

  it('counts each series apart and forgets them all on reset', () => {
    const h = new ScrapedHistogram<'query'>('q', 'help', bounds)
    for (const v of [0.002, 0.003, 5]) h.observe('a', () => ({ query: 'a' }), v)
    h.observe('b', () => ({ query: 'b' }), 0.5)
    expect([...h.allSeries()].map(s => [s.labels.query, s.count, Array.from(s.counts)])).toEqual([['a', 3, [0, 2, 0, 0, 1]], ['b', 1, [0, 0, 0, 1, 0]]])
    h.reset()
    expect([...h.allSeries()]).toEqual([])
  })
})

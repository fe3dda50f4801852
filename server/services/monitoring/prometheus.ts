// GET /metrics: Prometheus text format from a registry of the portal's own (not prom-client's
// global one, so nothing else registers into it). Labels are closed sets: method, route template,
// status, cache namespace, query name. None of them can carry a claim or person id.
import { collectDefaultMetrics, Counter, Registry, type Metric } from 'prom-client'
import { allCounters } from '../cache/stats.ts'
import { QUERY_SECONDS_BOUNDS, querySeries } from '../query/prometheus-series.ts'
import { ScrapedHistogram } from './scraped-histogram.ts'

export const registry = new Registry()

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Requests and statements are counted in plain bucket arrays (a prom-client
// observe re-validates and re-hashes its labels every time); the families below are built from
// them when /metrics is scraped. Names, types and labels are prom-client's as before.
const requestDuration = new ScrapedHistogram<'method' | 'route' | 'status'>('http_request_duration_seconds',
  'Time from request to response headers, by method, route template and status', SECONDS_BUCKETS)

// Counted by the query layer for every statement whatever ran it (query/stats.ts); read here.
const queryDuration = new ScrapedHistogram<'query'>('db_query_duration_seconds',
  'Named query execution time, by query name', QUERY_SECONDS_BOUNDS, querySeries)

registry.registerMetric(requestDuration as unknown as Metric)

new Counter({
  name: 'http_requests_total',
  help: 'Requests answered, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
  collect() {
    this.reset()
    for (const s of requestDuration.allSeries()) this.inc(s.labels, s.count)
  },
})

new Counter({
  name: 'http_request_errors_total',
  help: 'Requests answered with a 5xx, by method and route template',
  labelNames: ['method', 'route'] as const,
  registers: [registry],
  collect() {
    this.reset()
    for (const s of requestDuration.allSeries()) {
      if (Number(s.labels.status) >= 500) this.inc({ method: s.labels.method, route: s.labels.route }, s.count)
    }
  },
})

registry.registerMetric(queryDuration as unknown as Metric)

/** Cache counters are read from the cache's own counters when scraped: no cost per lookup. */
function cacheCounter(name: string, help: string, field: 'hits' | 'misses' | 'staleHits' | 'invalidations') {
  return new Counter({
    name,
    help,
    labelNames: ['namespace'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const [namespace, c] of allCounters()) this.inc({ namespace }, c[field])
    },
  })
}

cacheCounter('cache_hits_total', 'Cache lookups answered fresh, by namespace', 'hits')
cacheCounter('cache_misses_total', 'Cache lookups that computed the answer, by namespace', 'misses')
cacheCounter('cache_stale_hits_total', 'Cache lookups answered stale while refreshing, by namespace', 'staleHits')
cacheCounter('cache_invalidations_total', 'Namespace invalidations, by namespace', 'invalidations')

collectDefaultMetrics({ register: registry })

// prom-client's default metrics include three gauges named like counters, which promtool's lint
// refuses ("non-counter metrics should not have _total suffix"). Their values are the sums over
// the `type` label of the gauges kept beside them (`nodejs_active_handles`, `nodejs_active_requests`,
// `nodejs_active_resources`), so they are dropped rather than renamed.
export const DROPPED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']
for (const name of DROPPED_DEFAULT_METRICS) registry.removeSingleMetric(name)

export function observeRequest(method: string, route: string, status: number, ms: number): void {
  requestDuration.observe(`${method} ${status} ${route}`, () => ({ method, route, status: String(status) }), ms / 1000)
}

export async function metricsText(): Promise<{ contentType: string, body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() }
}

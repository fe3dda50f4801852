// GET /metrics: Prometheus text format from a registry of the portal's own (not prom-client's
// global one, so nothing else registers into it). Labels are closed sets: method, route template,
// status, cache namespace, query name. None of them can carry a claim or person id.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { allCounters } from '../cache/stats.ts'

export const registry = new Registry()

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from request to response headers, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [registry],
})

const requestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'Requests answered, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
})

const errorsTotal = new Counter({
  name: 'http_request_errors_total',
  help: 'Requests answered with a 5xx, by method and route template',
  labelNames: ['method', 'route'] as const,
  registers: [registry],
})

const queryDuration = new Histogram({
  name: 'db_query_duration_seconds',
  help: 'Named query execution time, by query name',
  labelNames: ['query'] as const,
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
})

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

type Children = { duration: ReturnType<typeof requestDuration.labels>, total: ReturnType<typeof requestsTotal.labels> }
const children = new Map<string, Children>()

export function observeRequest(method: string, route: string, status: number, ms: number): void {
  const key = `${method} ${status} ${route}`
  let child = children.get(key)
  if (!child) {
    const labels = { method, route, status: String(status) }
    children.set(key, child = { duration: requestDuration.labels(labels), total: requestsTotal.labels(labels) })
  }
  child.duration.observe(ms / 1000)
  child.total.inc()
  if (status >= 500) errorsTotal.inc({ method, route })
}

const queryChildren = new Map<string, ReturnType<typeof queryDuration.labels>>()

export function observeQuery(name: string, ms: number): void {
  let child = queryChildren.get(name)
  if (!child) queryChildren.set(name, child = queryDuration.labels({ query: name }))
  child.observe(ms / 1000)
}

export async function metricsText(): Promise<{ contentType: string, body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() }
}

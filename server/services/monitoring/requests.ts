// Request statistics per route template (`GET /api/v1/claims/:id`, never a raw URL: a URL can
// hold an id) and for all routes together, plus the slow-request log. An error is a 5xx: the
// portal's fault, not the client's.
import { MinuteSeries, type MinuteSummary, type WindowName, type WindowStats } from './windows.ts'

export interface RouteStats extends WindowStats {
  route: string
  method: string
}

export interface SlowRequest {
  at: string
  method: string
  route: string
  status: number
  durationMs: number
  dbMs: number
  requestId: string
}

const SLOW_LOG_SIZE = 200

const routes = new Map<string, { method: string, route: string, series: MinuteSeries }>()
let all = new MinuteSeries()
const slowRing: SlowRequest[] = []
let slowMs = 1000
let startedAt = Date.now()

export function configureRequestStats(options: { slowRequestMs?: number }): void {
  if (options.slowRequestMs !== undefined && Number.isFinite(options.slowRequestMs)) slowMs = options.slowRequestMs
}

export function recordRequest(method: string, route: string, status: number, ms: number, extra: { dbMs: number, requestId: string }, now = Date.now()): void {
  const key = `${method} ${route}`
  let entry = routes.get(key)
  if (!entry) routes.set(key, entry = { method, route, series: new MinuteSeries() })
  const error = status >= 500
  entry.series.record(ms, error, now)
  all.record(ms, error, now)
  if (ms >= slowMs) {
    if (slowRing.length >= SLOW_LOG_SIZE) slowRing.shift()
    slowRing.push({ at: new Date(now).toISOString(), method, route, status, durationMs: ms, dbMs: extra.dbMs, requestId: extra.requestId })
  }
}

/** Routes with traffic in the window, busiest first. */
export function routeStats(window: WindowName, now = Date.now()): RouteStats[] {
  return [...routes.values()]
    .map(r => ({ route: r.route, method: r.method, ...r.series.window(window, now, startedAt) }))
    .filter(r => r.count > 0)
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route))
}

export function overallStats(window: WindowName, now = Date.now()): WindowStats {
  return all.window(window, now, startedAt)
}

/** All routes together, one summary a minute for the last 24 hours. */
export function requestHistory(now = Date.now()): MinuteSummary[] {
  return all.minutes(now)
}

/** The slow-request log, newest first. */
export function slowRequests(): SlowRequest[] {
  return slowRing.slice().reverse()
}

export function resetRequestStats(now = Date.now()): void {
  routes.clear()
  slowRing.length = 0
  startedAt = now
  all = new MinuteSeries()
}

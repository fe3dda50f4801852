// Per-name statistics of every statement the portal runs, and the bounded slow-query log.
// Bound values are never kept: they can name a patient.
import { Histogram } from '../monitoring/histogram.ts'

export interface QueryStat {
  name: string
  calls: number
  totalMs: number
  meanMs: number
  p95Ms: number
  maxMs: number
  rows: number
}

export interface SlowQuery {
  name: string
  sql: string
  durationMs: number
  at: string
  plan: string
}

interface Entry {
  histogram: Histogram
  rows: number
}

const SLOW_LOG_SIZE = 200

const entries = new Map<string, Entry>()
const slowRing: SlowQuery[] = []
let slowNext = 0

let defaultSlowMs = 50
const slowOverrides = new Map<string, number>()

/** Sets the slow-query threshold (NUXT_SLOW_QUERY_MS) and per-name overrides. */
export function configureSlowLog(options: { slowMs?: number, perName?: Record<string, number> }): void {
  if (options.slowMs !== undefined) defaultSlowMs = options.slowMs
  if (options.perName) {
    slowOverrides.clear()
    for (const [name, ms] of Object.entries(options.perName)) slowOverrides.set(name, ms)
  }
}

export function slowThresholdMs(name: string): number {
  return slowOverrides.get(name) ?? defaultSlowMs
}

export function recordExecution(name: string, ms: number, rows: number): void {
  let entry = entries.get(name)
  if (!entry) {
    entry = { histogram: new Histogram(), rows: 0 }
    entries.set(name, entry)
  }
  entry.histogram.record(ms)
  entry.rows += rows
}

export function recordSlow(entry: SlowQuery): void {
  if (slowRing.length < SLOW_LOG_SIZE) slowRing.push(entry)
  else slowRing[slowNext] = entry
  slowNext = (slowNext + 1) % SLOW_LOG_SIZE
}

export function queryStats(): QueryStat[] {
  return [...entries].map(([name, { histogram: h, rows }]) => ({
    name,
    calls: h.count,
    totalMs: h.sum,
    meanMs: h.mean(),
    p95Ms: h.quantile(0.95),
    maxMs: h.max,
    rows,
  })).sort((a, b) => b.totalMs - a.totalMs)
}

/** The slow-query log, newest first. */
export function slowQueries(): SlowQuery[] {
  const ordered = slowRing.length < SLOW_LOG_SIZE
    ? slowRing.slice()
    : [...slowRing.slice(slowNext), ...slowRing.slice(0, slowNext)]
  return ordered.reverse()
}

export function resetQueryStats(): void {
  entries.clear()
  slowRing.length = 0
  slowNext = 0
}

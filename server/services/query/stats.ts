// The per-statement measurements, owned by the query layer: every runner (NamedQuery, the bulk
// inserter, rollup merges, off-thread reads, statements the job worker ran) records through
// `recordExecution`, which feeds at once the statistics (/admin/queries), the Prometheus buckets
// of db_query_duration_seconds, the running request's tally (Server-Timing `db`) and the slow log
// with the statement's plan. Monitoring only reads what is kept here.
//
// Recording is a few array writes on an entry the runner holds: no lookup by name, no
// allocation. A plan is explained once per statement, at its first slow execution, and kept.
// Bound values are never kept: they can name a patient.
import { Histogram } from '../histogram.ts'
import type { Sqlite } from '../../database/connection.ts'
import { explain } from './plan.ts'
import { tallyStatement } from './tally.ts'

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

/** Upper bounds of db_query_duration_seconds (Prometheus `le`), in seconds. */
export const QUERY_SECONDS_BOUNDS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
const BOUNDS_MS = Float64Array.from(QUERY_SECONDS_BOUNDS, s => s * 1000)

/** One statement's measurements, by name; the runner keeps a reference and records into it. */
export class StatementStats {
  readonly name: string
  readonly sql: string
  readonly histogram = new Histogram()
  /** Executions per db_query_duration_seconds bucket (not cumulative; the last is above 1 s). */
  readonly buckets = new Uint32Array(BOUNDS_MS.length + 1)
  rows = 0
  /** This statement's slow threshold (NUXT_SLOW_QUERY_MS or its override). */
  slowMs: number
  /** Its EXPLAIN QUERY PLAN, from its first slow execution. */
  plan: string | undefined

  constructor(name: string, sql: string, slowMs: number) {
    this.name = name
    this.sql = sql
    this.slowMs = slowMs
  }

  reset(): void {
    this.histogram.reset()
    this.buckets.fill(0)
    this.rows = 0
    this.plan = undefined
  }
}

const SLOW_LOG_SIZE = 200

const statements = new Map<string, StatementStats>()
const slowRing: SlowQuery[] = []
let slowNext = 0
let slowTotal = 0

let defaultSlowMs = 50
const slowOverrides = new Map<string, number>()

/**
 * The entry for a named statement (created at its definition), the catalogue EXPLAIN draws from.
 * A name stands for one SQL text.
 */
export function statementStats(name: string, sql: string): StatementStats {
  const existing = statements.get(name)
  if (existing) {
    if (existing.sql !== sql) throw new Error(`Query ${name} is already defined with other SQL`)
    return existing
  }
  const entry = new StatementStats(name, sql, slowThresholdMs(name))
  statements.set(name, entry)
  return entry
}

export function allStatements(): IterableIterator<StatementStats> {
  return statements.values()
}

export interface SlowLogSettings {
  slowMs?: number
  perName?: Record<string, number>
}

/** Sets the slow-query threshold (NUXT_SLOW_QUERY_MS) and per-name overrides. */
export function configureSlowLog(options: SlowLogSettings): void {
  if (options.slowMs !== undefined && Number.isFinite(options.slowMs)) defaultSlowMs = options.slowMs
  if (options.perName) {
    slowOverrides.clear()
    for (const [name, ms] of Object.entries(options.perName)) slowOverrides.set(name, ms)
  }
  for (const s of statements.values()) s.slowMs = slowThresholdMs(s.name)
}

/** The settings in force, for a worker thread to apply to its own statements. */
export function slowLogSettings(): Required<SlowLogSettings> {
  return { slowMs: defaultSlowMs, perName: Object.fromEntries(slowOverrides) }
}

export function slowThresholdMs(name: string): number {
  return slowOverrides.get(name) ?? defaultSlowMs
}

/**
 * The one place an execution is recorded. `db` and `params` are only read when the execution
 * was slow, to explain the statement (with the values of that execution, never kept) once.
 */
export function recordExecution(s: StatementStats, ms: number, rows: number, db?: Sqlite, params?: unknown): void {
  s.histogram.record(ms)
  let i = 0
  while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]!) i++
  s.buckets[i]!++
  s.rows += rows
  tallyStatement(ms)
  if (ms >= s.slowMs) recordSlow({ name: s.name, sql: s.sql, durationMs: ms, at: new Date().toISOString(), plan: s.plan ??= planOf(s.sql, db, params) })
}

/** SQLite lists no steps for a statement that reads no table (an INSERT of the values it is given). */
export const NO_PLAN_STEPS = '(no plan steps: the statement reads no table)'

function planOf(sql: string, db: Sqlite | undefined, params: unknown): string {
  if (!db) return '(no plan: no connection)'
  // Named values explain the statement as that execution ran it (STAT4 plans can depend on
  // them); positional runners (bulk inserts, merges) ran many rows, so their general shape.
  const named = params !== null && typeof params === 'object' && !Array.isArray(params) ? params as Record<string, unknown> : undefined
  try {
    return explain(db, sql, named) || NO_PLAN_STEPS
  }
  catch (error) {
    if (!named) return `(no plan: ${(error as Error).message})`
    return planOf(sql, db, undefined)
  }
}

export function recordSlow(entry: SlowQuery): void {
  slowTotal++
  if (slowRing.length < SLOW_LOG_SIZE) slowRing.push(entry)
  else slowRing[slowNext] = entry
  slowNext = (slowNext + 1) % SLOW_LOG_SIZE
}

export function queryStats(): QueryStat[] {
  const out: QueryStat[] = []
  for (const { name, histogram: h, rows } of statements.values()) {
    if (h.count === 0) continue
    out.push({ name, calls: h.count, totalMs: h.sum, meanMs: h.mean(), p95Ms: h.quantile(0.95), maxMs: h.max, rows })
  }
  return out.sort((a, b) => b.totalMs - a.totalMs)
}

/** Slow executions recorded since start (the log keeps the last SLOW_LOG_SIZE). */
export function slowRecorded(): number {
  return slowTotal
}

/** The slow-query log, newest first. */
export function slowQueries(): SlowQuery[] {
  const ordered = slowRing.length < SLOW_LOG_SIZE
    ? slowRing.slice()
    : [...slowRing.slice(slowNext), ...slowRing.slice(0, slowNext)]
  return ordered.reverse()
}

export function resetQueryStats(): void {
  for (const s of statements.values()) s.reset()
  slowRing.length = 0
  slowNext = 0
}

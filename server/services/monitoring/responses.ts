// What the operations routes (admin health, queries, indexes, routes, alerts, /healthz, /readyz)
// answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { Instant } from '../responses.ts'
import { WINDOWS, type WindowName } from './windows.ts'

const count = z.number().int().min(0)
const ms = z.number().min(0)
const msOrNull = ms.nullable()
const status = z.enum(['ok', 'warn', 'fail'])

export const HealthReport = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  checks: z.array(z.object({
    name: z.string(),
    status,
    value: z.number().nullable().meta({ description: 'null when there is nothing to judge yet' }),
    threshold: z.number(),
    measure: z.string(),
    reason: z.string().optional().meta({ description: 'what is wrong, for a check that says more than a number (storage)' }),
  })),
  uptimeSeconds: count,
  requests: z.object({ rps: z.number().min(0), errorRate: z.number().min(0).max(1), p50Ms: msOrNull, p95Ms: msOrNull, p99Ms: msOrNull, window: z.string() }),
  db: z.object({ sizeBytes: count, walBytes: count, pingMs: msOrNull, lastBackupAt: Instant.nullable(), statsAnalyzedAt: Instant.nullable(), missingIndexes: z.array(z.string()).meta({ description: 'indexes the planners name that do not exist (see /admin/indexes)' }) }),
  cache: z.object({ hitRate: z.number().min(0).max(1).nullable(), lookups: count }),
  process: z.object({ rssBytes: count, heapUsedBytes: count, eventLoopP99Ms: msOrNull }),
}).meta({ id: 'HealthReport' })

const SlowQuery = z.object({ name: z.string(), sql: z.string(), durationMs: ms, at: Instant, plan: z.string().nullable() })

export const QueriesReport = z.object({
  queries: z.array(z.object({
    name: z.string(),
    sql: z.string(),
    calls: count,
    totalMs: ms,
    meanMs: ms,
    p95Ms: ms,
    maxMs: ms,
    rows: count,
    plan: z.string().nullable().meta({ description: 'the catalogue plan (bound as NULLs); null when the statement cannot be explained yet' }),
  })),
  slow: z.array(SlowQuery),
}).meta({ id: 'QueriesReport' })

export const IndexReport = z.object({
  tables: z.array(z.object({
    name: z.string(),
    rows: count,
    sizeBytes: count,
    indexes: z.array(z.object({ name: z.string(), columns: z.array(z.string()), where: z.string().nullable(), unique: z.boolean(), sizeBytes: count, usedBy: z.array(z.string()) })),
  })),
  unused: z.array(z.string()),
  missing: z.array(z.object({ index: z.string(), usedBy: z.array(z.string()) })).meta({ description: 'indexes the planners name (INDEXED BY) that do not exist: their statements plan without them, slower' }),
  duplicates: z.array(z.object({ index: z.string(), coveredBy: z.string() })),
  fullScans: z.array(z.object({ query: z.string(), table: z.string(), plan: z.string() })),
  statsAnalyzedAt: Instant.nullable(),
  queriesExamined: count,
  generatedAt: Instant,
}).meta({ id: 'IndexReport' })

const Percentiles = { p50Ms: msOrNull, p95Ms: msOrNull, p99Ms: msOrNull }

export const RoutesReport = z.object({
  window: z.enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]),
  routes: z.array(z.object({ route: z.string(), method: z.string(), count, errors: count, rps: z.number().min(0), errorRate: z.number().min(0).max(1), ...Percentiles })),
  slow: z.array(z.object({ at: Instant, method: z.string(), route: z.string(), status: z.number().int(), durationMs: ms, dbMs: ms, requestId: z.string() })),
  history: z.array(z.object({ minute: Instant, count, errors: count, ...Percentiles })).optional().meta({ description: 'only with `history=true`: one entry a minute for the last 24 hours' }),
}).meta({ id: 'RoutesReport' })

export const AlertsReport = z.object({
  rules: z.array(z.object({ name: z.string(), measure: z.string(), threshold: z.number(), bad: z.enum(['above', 'below']) })),
  firing: z.array(z.object({ name: z.string(), measure: z.string(), value: z.number(), threshold: z.number(), since: Instant })),
  history: z.array(z.object({ rule: z.string(), measure: z.string(), state: z.enum(['firing', 'resolved']), value: z.number().nullable(), threshold: z.number(), at: Instant })),
}).meta({ id: 'AlertsReport' })

export const Liveness = z.object({ status: z.literal('ok'), uptimeSeconds: count })

export const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({ database: z.boolean(), migrations: z.boolean(), storage: z.boolean().meta({ description: 'false while writes are refused for a full disk' }) }),
  reason: z.string().optional().meta({ description: 'why storage is false' }),
})

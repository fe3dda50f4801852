// GET /api/v1/admin/health: every check with its value and threshold, and the overall status:
// unhealthy when a check fails, degraded when one warns, healthy otherwise.
import { useConnection } from '../../database/client.ts'
import { storageFaultNow } from '../storage/probe.ts'
import { takeSnapshot, type Snapshot } from './measures.ts'
import { missingIndexes } from './planned-indexes.ts'
import { crosses, THRESHOLDS } from './thresholds.ts'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface Check {
  name: string
  status: CheckStatus
  value: number | null
  threshold: number
  measure: string
  reason?: string
}

export function evaluateChecks(snapshot: Snapshot): Check[] {
  return THRESHOLDS.map((t) => {
    let value = snapshot.measures[t.measure]
    let status: CheckStatus
    if (value === null) {
      // Statistics of unknown age are fine if they exist; no statistics at all is worth a warning.
      status = t.measure === 'db.statsAgeHours' && snapshot.db.analyzedTables === 0 ? 'warn' : t.whenMissing
    }
    else {
      status = crosses(t, value) ? t.severity : 'ok'
      value = Math.round(value * 1000) / 1000
    }
    return { name: t.name, status, value, threshold: t.threshold, measure: t.measure }
  })
}

export function overallStatus(checks: Check[]): 'healthy' | 'degraded' | 'unhealthy' {
  if (checks.some(c => c.status === 'fail')) return 'unhealthy'
  if (checks.some(c => c.status === 'warn')) return 'degraded'
  return 'healthy'
}

export async function healthReport(now = Date.now()) {
  const snapshot = await takeSnapshot(now)
  // An index a planner names is gone: answers stay right but slower (no alert rule yet).
  const missing = missingIndexes().map(m => m.index)
  const checks = [...evaluateChecks(snapshot), storageCheck(), { name: 'plannerIndexes', status: missing.length ? 'warn' as const : 'ok' as const, value: missing.length, threshold: 0, measure: 'db.missingIndexes' }]
  const { requests, process: proc, db } = snapshot
  return {
    status: overallStatus(checks),
    checks,
    uptimeSeconds: Math.round(process.uptime()),
    requests: { rps: requests.rps, errorRate: requests.errorRate, p50Ms: requests.p50Ms, p95Ms: requests.p95Ms, p99Ms: requests.p99Ms, window: '5m' },
    db: { sizeBytes: db.sizeBytes, walBytes: db.walBytes, pingMs: db.pingMs, lastBackupAt: db.lastBackupAt, statsAnalyzedAt: db.statsAnalyzedAt, missingIndexes: missing },
    cache: { hitRate: snapshot.cache.hitRate, lookups: snapshot.cache.lookups },
    process: { rssBytes: proc.rssBytes, heapUsedBytes: proc.heapUsedBytes, eventLoopP99Ms: proc.eventLoopP99Ms },
  }
}

/** Whether the disk has room for writes: value 1 (fail) while it has not, with the reason. */
export function storageCheck(): Check {
  const fault = storageFaultNow(useConnection().path)
  return { name: 'storage', status: fault ? 'fail' : 'ok', value: fault ? 1 : 0, threshold: 0, measure: 'db.writesRefused', ...(fault ? { reason: `${fault.reason}, since ${fault.since}` } : {}) }
}

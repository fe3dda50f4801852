// One table of thresholds for the health checks and the alert rules, so /admin/health and
// /admin/alerts never disagree about what is wrong. Why each value: PERFORMANCE_TUNING.md.
import type { MeasureName } from './measures.ts'

export interface Threshold {
  name: string
  measure: MeasureName
  threshold: number
  /** Which side of the threshold is bad. */
  bad: 'above' | 'below'
  /** What a missing measure means: nothing to judge yet (ok), or a problem in itself. */
  whenMissing: 'ok' | 'warn' | 'fail'
  /** How bad crossing it is: a slow answer degrades the portal, a dead database breaks it. */
  severity: 'warn' | 'fail'
}

const MiB = 1024 * 1024

export const THRESHOLDS: Threshold[] = [
  { name: 'p95', measure: 'requests.p95Ms', threshold: 1000, bad: 'above', whenMissing: 'ok', severity: 'warn' },
  { name: 'errorRate', measure: 'requests.errorRate', threshold: 0.05, bad: 'above', whenMissing: 'ok', severity: 'fail' },
  { name: 'eventLoopP99', measure: 'process.eventLoopP99Ms', threshold: 200, bad: 'above', whenMissing: 'ok', severity: 'warn' },
  { name: 'dbPing', measure: 'db.pingMs', threshold: 100, bad: 'above', whenMissing: 'fail', severity: 'warn' },
  { name: 'walSize', measure: 'db.walBytes', threshold: 256 * MiB, bad: 'above', whenMissing: 'ok', severity: 'warn' },
  { name: 'cacheHitRate', measure: 'cache.hitRate', threshold: 0.5, bad: 'below', whenMissing: 'ok', severity: 'warn' },
  { name: 'backupAge', measure: 'db.backupAgeHours', threshold: 26, bad: 'above', whenMissing: 'warn', severity: 'warn' },
  { name: 'statsAge', measure: 'db.statsAgeHours', threshold: 7 * 24, bad: 'above', whenMissing: 'ok', severity: 'warn' },
]

export function crosses(t: Pick<Threshold, 'threshold' | 'bad'>, value: number): boolean {
  return t.bad === 'above' ? value > t.threshold : value < t.threshold
}

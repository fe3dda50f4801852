// The measures health checks and alert rules look at, read once: request rates and latency over
// the last 5 minutes, the event loop, the database file, the cache. A measure is null when there
// is not enough to judge (no lookups yet, never backed up).
import { hitRate, totalCounters } from '../cache/stats.ts'
import { databaseFacts, type DatabaseFacts } from './database.ts'
import { processSample, type ProcessSample } from './process.ts'
import { overallStats } from './requests.ts'
import type { WindowStats } from './windows.ts'

/** Below this many lookups a hit rate says nothing yet. */
export const MIN_CACHE_LOOKUPS = 100

export type MeasureName = 'requests.p95Ms' | 'requests.errorRate' | 'process.eventLoopP99Ms' | 'db.pingMs' | 'db.walBytes'
  | 'cache.hitRate' | 'db.backupAgeHours' | 'db.statsAgeHours'

export interface Snapshot {
  requests: WindowStats
  process: ProcessSample
  db: DatabaseFacts
  cache: { hitRate: number, lookups: number }
  measures: Record<MeasureName, number | null>
}

export async function takeSnapshot(now = Date.now()): Promise<Snapshot> {
  const requests = overallStats('5m', now)
  const proc = processSample()
  const db = databaseFacts()
  // The counters only: the key counts of cacheStats() scan Redis, too much for every evaluation.
  const totals = totalCounters()
  const lookups = totals.hits + totals.misses + totals.staleHits
  const hours = (at: string | null) => (at === null ? null : (now - Date.parse(at)) / 3_600_000)
  return {
    requests,
    process: proc,
    db,
    cache: { hitRate: hitRate(totals), lookups },
    measures: {
      'requests.p95Ms': requests.count === 0 ? null : requests.p95Ms,
      'requests.errorRate': requests.count === 0 ? null : requests.errorRate,
      'process.eventLoopP99Ms': proc.eventLoopP99Ms,
      'db.pingMs': db.pingMs,
      'db.walBytes': db.walBytes,
      'cache.hitRate': lookups < MIN_CACHE_LOOKUPS ? null : hitRate(totals),
      'db.backupAgeHours': hours(db.lastBackupAt),
      'db.statsAgeHours': hours(db.statsAnalyzedAt),
    },
  }
}

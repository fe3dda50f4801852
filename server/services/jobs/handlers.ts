// What each job does. These run on the job worker thread (worker.ts), on its own connection:
// everything here may read or write for seconds without holding up a request.
import { takeBackup } from '../backups/backup.ts'
import { backupSettings } from '../backups/settings.ts'
import { recomputeMany } from '../correlations/recompute.ts'
import { integrityReport } from '../health/integrity.ts'
import { findPersonId } from '../health/people.ts'
import { defineQuery } from '../query/index.ts'
import { runRetention } from '../retention/prune.ts'
import { retentionDays } from '../retention/settings.ts'
import type { JobTask } from './queue.ts'
import { checkRollups } from './rollup-check.ts'

/** Progress of a long job: how many of its units are done. */
export type ProgressFn = (done: number, total: number) => void

// ANALYZE where the statistics are stale, bounded by analysis_limit (set at open).
const optimize = defineQuery<Record<string, never>, unknown>('db.optimize', 'PRAGMA optimize')

type JobResult = Record<string, unknown>

export const HANDLERS: Record<JobTask, (payload: Record<string, unknown>, progress: ProgressFn) => JobResult | Promise<JobResult>> = {
  'correlations.recompute': (payload, progress) => {
    if (typeof payload.personId !== 'string') return { ...recomputeMany(undefined, progress) }
    const id = findPersonId(payload.personId)
    // The person was known when the job was queued; nothing to do if they are gone.
    if (id === undefined) return { people: 0, tests: 0, significant: 0, insights: 0 }
    return { ...recomputeMany([id], progress) }
  },
  'rollups.check': payload => ({ ...checkRollups({ repair: payload.repair !== false }) }),
  'integrity.check': () => ({ ...integrityReport(), rollups: checkRollups({ repair: false }) }),
  'db.optimize': () => {
    const started = performance.now()
    optimize.all({})
    return { ms: Math.round(performance.now() - started) }
  },
  // The payload carries the days the main thread parsed from NUXT_RETENTION_* (settings.ts).
  'retention': (payload, progress) => ({ ...runRetention(retentionDays((_, name) => payload[name]), { progress }) }),
  // Settings (the key among them) come with the worker's workerData, never in the payload.
  'db.backup': async (_payload, progress) => ({ ...await takeBackup(backupSettings(), progress) }),
}

// What the operations pages need to know about the database file: that it answers, how large it
// and its WAL are, when it was last backed up and last analyzed. The last backup is the newest
// verified one in `backups`; ANALYZE runs as a job, whose latest successful run is the answer;
// null when there has been none.
import { statSync } from 'node:fs'
import { useConnection } from '../../database/client.ts'
import { lastVerifiedBackupAt } from '../backups/records.ts'
import { defineQuery } from '../query/index.ts'

const ping = defineQuery<Record<string, never>, { ok: number }>('monitoring.ping', 'SELECT 1 AS ok')
const fileSize = defineQuery<Record<string, never>, { bytes: number }>('monitoring.databaseSize',
  'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()')
const lastAnalyze = defineQuery<Record<string, never>, { at: number | null }>('monitoring.lastAnalyze',
  `SELECT max(finished_at) AS at FROM job_runs WHERE status = 'succeeded' AND task = 'db.optimize'`)
const statTables = defineQuery<Record<string, never>, { n: number }>('monitoring.analyzedTables',
  'SELECT count(DISTINCT tbl) AS n FROM sqlite_stat1')

export interface DatabaseFacts {
  /** null when the database did not answer. */
  pingMs: number | null
  sizeBytes: number
  walBytes: number
  lastBackupAt: string | null
  statsAnalyzedAt: string | null
  /** Tables with planner statistics (sqlite_stat1 rows); 0 when ANALYZE never ran. */
  analyzedTables: number
}

export function pingDatabase(): number | null {
  try {
    const started = performance.now()
    ping.get({})
    return performance.now() - started
  }
  catch {
    return null
  }
}

export function databaseFacts(): DatabaseFacts {
  const pingMs = pingDatabase()
  const conn = useConnection()
  return {
    pingMs,
    sizeBytes: pingMs === null ? 0 : fileSize.get({})!.bytes,
    walBytes: fileBytes(`${conn.path}-wal`),
    // A backup that failed its integrity_check is no backup: only verified ones count.
    lastBackupAt: iso(safe(() => lastVerifiedBackupAt())),
    statsAnalyzedAt: iso(safe(() => lastAnalyze.get({})?.at ?? null)),
    // sqlite_stat1 exists only once ANALYZE has run: preparing against it fails before that.
    analyzedTables: safe(() => statTables.get({})?.n ?? 0) ?? 0,
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size
  }
  catch {
    return 0
  }
}

function safe<T>(fn: () => T): T | null {
  try {
    return fn()
  }
  catch {
    return null
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

// The retention policy table: for every table that only grows with time, which setting says how
// long its rows live, how a row's age is read, and what must be kept past it. The pruner
// (prune.ts) walks each table's age index oldest first and deletes in short chunks.
//
// Not here, on purpose: claims, providers and the claims rollup are business records (no
// retention; an operator archives them deliberately). People, correlations and insights are
// derived or tiny: a person whose points all went stays as an id with no data, and the next
// recompute replaces their correlations. Telemetry: nothing is stored today (request windows,
// query statistics and the slow log live in memory); the stored per-minute telemetry adds one
// entry here and one setting in settings.ts.
import { useConnection } from '../../database/client.ts'
import { utcDay } from '../days.ts'
import { recomputeHealthDays } from '../health/rollup.ts'
import { defineQuery } from '../query/index.ts'
import type { RetentionSettingName } from './settings.ts'

/** A deleted row as the chunk statement returns it: its id, its age column and `returning`. */
export type DeletedRow = { id: number, age: number } & Record<string, unknown>

export interface RetentionPolicy {
  /** Names the policy in the job's result. */
  name: string
  table: string
  /**
   * The setting whose days apply; undefined for a rule without a setting (sessions: an ended
   * session is gone at once, as sign-in already prunes them).
   */
  setting?: RetentionSettingName
  /**
   * How a row's age is read: the instant (epoch ms) its age counts from. It must lead an index
   * of the table: a chunk is one range of that index, in (age, id) order.
   */
  ageColumn: string
  /** Cut at the start of a UTC day, so that a day's rows go together (the rollups are per day). */
  wholeDays: boolean
  /** What is kept past the cutoff: only rows meeting this condition are deleted. */
  deletable?: string
  /** Rows meeting `rows` are kept at least `days`, whatever the setting says. */
  keepAtLeast?: { days: number, rows: string }
  /** Further columns of the deleted rows that `afterChunk` needs. */
  returning?: string
  /** Tables `afterChunk` deletes from too (their counts are in the result, zero or not). */
  alsoDeletesFrom?: string[]
  /** Runs in the chunk's transaction with the rows it deleted; answers rows deleted elsewhere by table. */
  afterChunk?: (rows: DeletedRow[]) => Record<string, number>
  /** Runs once after the last chunk (short: a handful of rows); answers counts for the result. */
  finish?: (cutoff: number) => Record<string, number>
}

/** Security events (sign-ins, password changes, users, keys) outlive a short audit setting. */
export const SECURITY_AUDIT_MIN_DAYS = 365
const SECURITY_ACTIONS = `(action GLOB 'auth.*' OR action GLOB 'users.*' OR action GLOB 'apiKeys.*')`

// Job runs: the newest success of each task outlives the period (the health checks read when
// the last backup or optimize finished, the schedule when each task last ran), emptied of its
// payload and result, which can name a person.
const NEWEST_SUCCESS = `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY task ORDER BY finished_at DESC, id DESC) AS n
  FROM job_runs WHERE status = 'succeeded') WHERE n = 1`
const emptyKeptRuns = defineQuery<{ cutoff: number }, never>('retention.jobs.empty', `UPDATE job_runs SET payload = NULL, result = NULL
  WHERE status IN ('succeeded', 'failed') AND finished_at < @cutoff AND (payload IS NOT NULL OR result IS NOT NULL)`)

/** The days whose points a chunk deleted are recomputed from what is left: gone when nothing is. */
function recomputeRollupDays(rows: DeletedRow[]): Record<string, number> {
  const keys = new Set(rows.map(r => `${r.personId}|${r.metric}|${utcDay(r.age)}`))
  return { health_daily: recomputeHealthDays(useConnection().sqlite, keys).removed }
}

export const RETENTION_POLICIES: readonly RetentionPolicy[] = [
  // Recomputing rather than deleting the days' rollup rows keeps them true even when a chunk ends
  // within a day or a backfill added an old point behind the walk.
  { name: 'health', table: 'health_data_points', setting: 'health', ageColumn: 'at', wholeDays: true,
    returning: 'person_id AS personId, metric', alsoDeletesFrom: ['health_daily'], afterChunk: recomputeRollupDays },
  // Intakes are per-person health data too, and the correlations pair them with the points: same age.
  { name: 'intakes', table: 'supplement_intakes', setting: 'health', ageColumn: 'taken_at', wholeDays: true },
  { name: 'audit', table: 'audit_log', setting: 'audit', ageColumn: 'at', wholeDays: false,
    keepAtLeast: { days: SECURITY_AUDIT_MIN_DAYS, rows: SECURITY_ACTIONS } },
  // Queued and running runs are never touched, however old (a retried run keeps the finished_at of
  // its failed attempt). The unary + keeps the planner on the age index rather than the status one.
  { name: 'jobs', table: 'job_runs', setting: 'jobs', ageColumn: 'finished_at', wholeDays: false,
    deletable: `+status IN ('succeeded', 'failed') AND id NOT IN (${NEWEST_SUCCESS})`,
    finish: cutoff => ({ emptied: emptyKeptRuns.run({ cutoff }).changes }) },
  // Revoking a session sets its expires_at, so ended sessions are the ones expired before now.
  { name: 'sessions', table: 'sessions', ageColumn: 'expires_at', wholeDays: false },
]

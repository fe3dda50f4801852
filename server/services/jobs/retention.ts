// Job retention (NUXT_RETENTION_JOBS_DAYS): a job's payload and result can name a person (a
// recompute for one personId, the integrity report's longest gaps), so finished runs are kept
// only for the retention period. The newest successful run of each task outlives it with its
// payload and result emptied: the health checks read when the last backup or optimize finished,
// and the schedule when each task last ran.
import { defineQuery, inTransaction } from '../query/index.ts'

export const DEFAULT_RETENTION_JOBS_DAYS = 30
const DAY_MS = 86_400_000

export class RetentionError extends Error {}

/** The setting as the operator gives it: a whole number of days, at least 1. */
export function parseRetentionDays(value: unknown): number {
  const text = String(value ?? '').trim()
  if (text === '') return DEFAULT_RETENTION_JOBS_DAYS
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1) throw new RetentionError(`NUXT_RETENTION_JOBS_DAYS must be a whole number of days, at least 1 (got "${text.slice(0, 40)}")`)
  return Number(text)
}

const FINISHED_BEFORE = `status IN ('succeeded', 'failed') AND finished_at < @cutoff`
const NEWEST_SUCCESS = `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY task ORDER BY finished_at DESC, id DESC) AS n
  FROM job_runs WHERE status = 'succeeded') WHERE n = 1`

const prune = defineQuery<{ cutoff: number }, never>('jobs.retention.delete',
  `DELETE FROM job_runs WHERE ${FINISHED_BEFORE} AND id NOT IN (${NEWEST_SUCCESS})`)

const empty = defineQuery<{ cutoff: number }, never>('jobs.retention.empty',
  `UPDATE job_runs SET payload = NULL, result = NULL WHERE ${FINISHED_BEFORE} AND (payload IS NOT NULL OR result IS NOT NULL)`)

export interface RetentionResult {
  days: number
  cutoff: string
  deleted: number
  emptied: number
}

/** Deletes finished runs older than `days` (queued and running ones are never touched). */
export function pruneJobs(days: number, now: number = Date.now()): RetentionResult {
  const cutoff = now - days * DAY_MS
  return inTransaction(() => {
    const deleted = prune.run({ cutoff }).changes
    const emptied = empty.run({ cutoff }).changes
    return { days, cutoff: new Date(cutoff).toISOString(), deleted, emptied }
  })
}

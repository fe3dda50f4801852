// The job queue lives in the job_runs table: every run is a row that moves queued → running →
// succeeded or failed, with its attempts, timings, error and result. A failed attempt goes back
// to queued with a growing delay until maxAttempts; a run cut off by a restart (still 'running'
// when the process starts) is queued again rather than lost.
import type { JobStatus } from '../../database/schema.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery } from '../query/index.ts'

export const JOB_TASKS = ['correlations.recompute', 'rollups.check', 'integrity.check', 'db.optimize', 'retention', 'db.backup'] as const
export type JobTask = (typeof JOB_TASKS)[number]

export const DEFAULT_MAX_ATTEMPTS = 3

interface JobRow {
  id: number
  task: string
  payload: string | null
  status: JobStatus
  attempts: number
  maxAttempts: number
  runAfter: number
  queuedAt: number
  startedAt: number | null
  finishedAt: number | null
  durationMs: number | null
  error: string | null
  result: string | null
}

export interface Job {
  id: number
  task: string
  status: JobStatus
  payload: Record<string, unknown> | null
  attempts: number
  maxAttempts: number
  queuedAt: string
  runAfter: string
  startedAt: string | null
  finishedAt: string | null
  durationMs: number | null
  error: string | null
  result: Record<string, unknown> | null
}

const COLUMNS = `id, task, payload, status, attempts, max_attempts AS maxAttempts, run_after AS runAfter, queued_at AS queuedAt,
  started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs, error, result`

const insert = defineQuery<{ task: string, payload: string | null, maxAttempts: number, runAfter: number, now: number }, JobRow>('jobs.insert', `
  INSERT INTO job_runs (task, payload, status, attempts, max_attempts, run_after, queued_at)
  VALUES (@task, @payload, 'queued', 0, @maxAttempts, @runAfter, @now) RETURNING ${COLUMNS}`)

// Asking twice for the same work while it waits gives the waiting run, not a second one.
const queuedSame = defineQuery<{ task: string, payload: string | null }, JobRow>('jobs.queuedSame', `
  SELECT ${COLUMNS} FROM job_runs WHERE status = 'queued' AND task = @task AND payload IS @payload LIMIT 1`)

// One statement takes the oldest runnable job, so two runners can never take the same one.
const claim = defineQuery<{ now: number }, JobRow>('jobs.claim', `
  UPDATE job_runs SET status = 'running', attempts = attempts + 1, started_at = @now, finished_at = NULL, duration_ms = NULL
  WHERE id = (SELECT id FROM job_runs WHERE status = 'queued' AND run_after <= @now ORDER BY run_after, id LIMIT 1)
  RETURNING ${COLUMNS}`)

const succeed = defineQuery<{ id: number, now: number, result: string | null }, never>('jobs.succeed', `
  UPDATE job_runs SET status = 'succeeded', finished_at = @now, duration_ms = @now - started_at, error = NULL, result = @result
  WHERE id = @id AND status = 'running'`)

const fail = defineQuery<{ id: number, now: number, error: string, retryAt: number }, { status: JobStatus }>('jobs.fail', `
  UPDATE job_runs SET finished_at = @now, duration_ms = @now - started_at, error = @error,
    status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
    run_after = CASE WHEN attempts < max_attempts THEN @retryAt ELSE run_after END
  WHERE id = @id AND status = 'running' RETURNING status`)

const progress = defineQuery<{ id: number, result: string }, never>('jobs.progress',
  `UPDATE job_runs SET result = @result WHERE id = @id AND status = 'running'`)

const requeue = defineQuery<{ now: number }, never>('jobs.requeueInterrupted', `
  UPDATE job_runs SET status = 'queued', run_after = @now, error = 'interrupted by a restart'
  WHERE status = 'running'`)

// A run stopped by a shutdown goes back to the queue as it was: the attempt does not count.
const requeueOne = defineQuery<{ id: number, now: number }, never>('jobs.requeueStopped', `
  UPDATE job_runs SET status = 'queued', run_after = @now, attempts = max(attempts - 1, 0), started_at = NULL, error = 'stopped by a shutdown'
  WHERE id = @id AND status = 'running'`)

const byId = defineQuery<{ id: number }, JobRow>('jobs.byId', `SELECT ${COLUMNS} FROM job_runs WHERE id = @id`)

// Walks idx_jobs_queued_at from the newest end: the task's last run is among the most recent rows.
const lastQueued = defineQuery<{ task: string }, { at: number }>('jobs.lastQueuedAt',
  'SELECT queued_at AS at FROM job_runs WHERE task = @task ORDER BY queued_at DESC LIMIT 1')

type ListParams = { status: string | null, task: string | null, before: number, limit: number }
const list = defineQuery<ListParams, JobRow>('jobs.list', `SELECT ${COLUMNS} FROM job_runs
  WHERE id < @before AND (@status IS NULL OR status = @status) AND (@task IS NULL OR task = @task) ORDER BY id DESC LIMIT @limit`)

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function view(r: JobRow): Job {
  return {
    id: r.id,
    task: r.task,
    status: r.status,
    payload: r.payload === null ? null : JSON.parse(r.payload),
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    queuedAt: iso(r.queuedAt)!,
    runAfter: iso(r.runAfter)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.durationMs,
    error: r.error,
    result: r.result === null ? null : JSON.parse(r.result),
  }
}

/** The payload's canonical text: keys sorted, so equal payloads compare equal in SQL. */
function payloadText(payload: Record<string, unknown> | undefined): string | null {
  if (!payload || Object.keys(payload).length === 0) return null
  return JSON.stringify(Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))))
}

/** Queues a run (or answers the identical one still waiting); `audit` is recorded in the same transaction. */
export function enqueueJob(task: JobTask, payload?: Record<string, unknown>, options: { maxAttempts?: number, now?: number, audit?: AuditOf<Job> } = {}): Job {
  const text = payloadText(payload)
  return auditedTransaction(() => {
    const waiting = queuedSame.get({ task, payload: text })
    if (waiting) return view(waiting)
    const now = options.now ?? Date.now()
    return view(insert.get({ task, payload: text, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, runAfter: now, now })!)
  }, options.audit)
}

export interface ClaimedJob {
  id: number
  task: JobTask
  payload: Record<string, unknown>
  attempts: number
}

export function claimNextJob(now: number = Date.now()): ClaimedJob | undefined {
  const row = claim.get({ now })
  if (!row) return undefined
  return { id: row.id, task: row.task as JobTask, payload: row.payload === null ? {} : JSON.parse(row.payload), attempts: row.attempts }
}

export function completeJob(id: number, result: Record<string, unknown> | undefined, now: number = Date.now()): void {
  succeed.run({ id, now, result: result === undefined ? null : JSON.stringify(result) })
}

/** While a job runs, its result holds its progress: { progress: { done, total } }. */
export function recordJobProgress(id: number, done: number, total: number): void {
  progress.run({ id, result: JSON.stringify({ progress: { done, total } }) })
}

/** Delay before attempt n + 1 after n failed ones: base, 4 × base, 16 × base, ... */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return baseMs * 4 ** Math.max(0, attempts - 1)
}

/** Records a failed attempt; answers whether the job will be retried ('queued') or gave up ('failed'). */
export function failJob(id: number, attempts: number, error: string, options: { retryBaseMs: number, now?: number }): JobStatus | undefined {
  const now = options.now ?? Date.now()
  return fail.get({ id, now, error: error.slice(0, 2000), retryAt: now + retryDelayMs(attempts, options.retryBaseMs) })?.status
}

/** At start: runs left 'running' by a process that stopped are queued again. */
export function requeueInterruptedJobs(now: number = Date.now()): number {
  return requeue.run({ now }).changes
}

/** At a shutdown: the run this process stopped is queued again, for whichever runner comes next. */
export function requeueStoppedJob(id: number, now: number = Date.now()): void {
  requeueOne.run({ id, now })
}

export function getJob(id: number): Job | undefined {
  const row = byId.get({ id })
  return row ? view(row) : undefined
}

/**
 * A job as a non-admin sees it: its state, timings and error, but no payload and no result
 * (a payload can name a person, a result list people), only the progress of a running one.
 */
export function jobWithoutPersonalData(job: Job): Job {
  const progress = job.status === 'running' ? job.result?.progress : undefined
  return { ...job, payload: null, result: progress ? { progress } : null }
}

export function lastQueuedAt(task: JobTask): number | null {
  return lastQueued.get({ task })?.at ?? null
}

export function listJobs(q: { status?: JobStatus, task?: JobTask, limit: number, cursor?: string }) {
  const before = q.cursor ? decodeCursor(q.cursor, ['number'] as const)[0] : Number.MAX_SAFE_INTEGER
  const rows = list.all({ status: q.status ?? null, task: q.task ?? null, before, limit: q.limit + 1 })
  const page = keysetPage(rows, q.limit, r => [r.id])
  return { data: page.data.map(view), page: page.page }
}

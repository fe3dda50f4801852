// Job records that can name a person: finished runs are deleted after the retention period (the
// newest success of each task kept, emptied), and a non-admin's view of a job holds neither its
// payload nor its result.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getJob, jobWithoutPersonalData, type JobTask } from '../../server/services/jobs/queue.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'
import { RETENTION_POLICIES } from '../../server/services/retention/policies.ts'
import { prunePolicy } from '../../server/services/retention/prune.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
})
afterAll(() => db.dispose())

const NOW = Date.parse('2026-06-30T12:00:00Z')
const DAY = 86_400_000
const PERSON = JSON.stringify({ personId: 'P00042' })

function insertRun(task: JobTask, status: string, ageDays: number, over: { payload?: string | null, result?: string | null, now?: number } = {}): number {
  const at = (over.now ?? NOW) - ageDays * DAY
  const finished = status === 'succeeded' || status === 'failed' ? at : null
  return Number(db.conn.sqlite.prepare(`INSERT INTO job_runs (task, payload, status, attempts, max_attempts, run_after, queued_at, started_at, finished_at, result)
    VALUES (?, ?, ?, 1, 3, ?, ?, ?, ?, ?)`).run(task, over.payload === undefined ? PERSON : over.payload, status, at, at, status === 'queued' ? null : at, finished,
    over.result === undefined ? JSON.stringify({ longest: [{ personId: 'P00042' }] }) : over.result).lastInsertRowid)
}
const JOBS = RETENTION_POLICIES.find(p => p.name === 'jobs')!
const pruneJobs = (days: number, now: number) => prunePolicy(JOBS, days, { now, pause: () => {} })
const rows = () => db.conn.sqlite.prepare('SELECT id, task, status, payload, result FROM job_runs ORDER BY id').all() as { id: number, task: string, status: string, payload: string | null, result: string | null }[]

describe('job retention', () => {
  beforeEach(() => {
    db.conn.sqlite.prepare('DELETE FROM job_runs').run()
  })

  it('deletes finished runs older than the period and keeps the recent ones whole', () => {
    const oldOk = insertRun('correlations.recompute', 'succeeded', 40)
    const oldFail = insertRun('correlations.recompute', 'failed', 31)
    const alsoOld = insertRun('correlations.recompute', 'succeeded', 35)
    const recent = insertRun('correlations.recompute', 'succeeded', 29)
    const result = pruneJobs(30, NOW)
    expect(result).toMatchObject({ days: 30, deleted: 3, cutoff: new Date(NOW - 30 * DAY).toISOString() })
    expect(rows().map(r => r.id)).toEqual([recent])
    expect(rows()[0]!.payload).toBe(PERSON)
    expect([oldOk, oldFail, alsoOld].some(id => getJob(id))).toBe(false)
  })

  it('keeps the newest success of each task past the period, without its payload and result', () => {
    const older = insertRun('db.optimize', 'succeeded', 50)
    const newest = insertRun('db.optimize', 'succeeded', 45)
    const failed = insertRun('db.optimize', 'failed', 40)
    const integrity = insertRun('integrity.check', 'succeeded', 60)
    expect(pruneJobs(30, NOW)).toMatchObject({ deleted: 2, emptied: 2 })
    expect(rows()).toEqual([
      { id: newest, task: 'db.optimize', status: 'succeeded', payload: null, result: null },
      { id: integrity, task: 'integrity.check', status: 'succeeded', payload: null, result: null },
    ])
    expect(getJob(older)).toBeUndefined()
    expect(getJob(failed)).toBeUndefined()
    // The health checks still know when the last optimize finished.
    expect(getJob(newest)!.finishedAt).toBe(new Date(NOW - 45 * DAY).toISOString())
  })

  it('never touches queued or running runs, however old', () => {
    const queued = insertRun('correlations.recompute', 'queued', 90)
    const running = insertRun('rollups.check', 'running', 90)
    expect(pruneJobs(1, NOW)).toMatchObject({ deleted: 0, emptied: 0 })
    expect(rows().map(r => [r.id, r.payload])).toEqual([[queued, PERSON], [running, PERSON]])
  })

  it('runs in the retention job on the worker thread with the days in its payload', async () => {
    // The worker prunes against its own clock.
    const old = insertRun('correlations.recompute', 'failed', 10, { now: Date.now() })
    const kept = insertRun('correlations.recompute', 'failed', 1, { now: Date.now() })
    const result = await runInWorker('retention', { jobs: 7, health: null, audit: null }, { dbPath: db.conn.path, timeoutMs: 60_000 })
    expect(result.policies).toContainEqual(expect.objectContaining({ name: 'jobs', days: 7, deleted: 1 }))
    expect(getJob(old)).toBeUndefined()
    expect(getJob(kept)).toBeDefined()
  })
})

describe('a job as a non-admin sees it', () => {
  it('has its state and timings but no payload and no result', () => {
    const id = insertRun('integrity.check', 'succeeded', 1)
    const full = getJob(id)!
    const seen = jobWithoutPersonalData(full)
    expect(JSON.stringify(seen)).not.toContain('P00042')
    expect(seen).toEqual({ ...full, payload: null, result: null })
    expect(full.payload).toEqual({ personId: 'P00042' })
  })

  it('keeps the progress of a running job, and nothing else of its result', () => {
    const id = insertRun('correlations.recompute', 'running', 0, { result: JSON.stringify({ progress: { done: 3, total: 9 }, note: 'P00042' }) })
    expect(jobWithoutPersonalData(getJob(id)!)).toMatchObject({ status: 'running', payload: null, result: { progress: { done: 3, total: 9 } } })
  })
})

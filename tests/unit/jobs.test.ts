// The job queue's states, retries and restart recovery, the schedule, and jobs run for real on a
// worker thread (from the sources: worker.ts under Node's type stripping).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimNextJob, completeJob, enqueueJob, failJob, getJob, listJobs, requeueInterruptedJobs, retryDelayMs } from '../../server/services/jobs/queue.ts'
import { JobRunner } from '../../server/services/jobs/runner.ts'
import { checkEveryMs, dueEntries, parseSchedule, ScheduleError } from '../../server/services/jobs/schedule.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  seedDatabase(db.conn, { claims: 3000, people: 6, days: 120, seed: 3, end: '2026-06-30' })
}, 60_000)
afterAll(() => db.dispose())

const clearJobs = () => db.conn.sqlite.prepare('DELETE FROM job_runs').run()

describe('job queue', () => {
  it('moves a job queued → running → succeeded with attempts and timings', () => {
    clearJobs()
    const job = enqueueJob('db.optimize', {}, { now: 1000 })
    expect(job).toMatchObject({ status: 'queued', attempts: 0, startedAt: null, payload: null })
    const claimed = claimNextJob(2000)!
    expect(claimed).toMatchObject({ id: job.id, task: 'db.optimize', attempts: 1 })
    expect(getJob(job.id)).toMatchObject({ status: 'running', startedAt: new Date(2000).toISOString() })
    expect(claimNextJob(2000)).toBeUndefined()
    completeJob(job.id, { ms: 3 }, 2500)
    expect(getJob(job.id)).toMatchObject({ status: 'succeeded', durationMs: 500, result: { ms: 3 }, finishedAt: new Date(2500).toISOString() })
  })

  it('gives the waiting run when the same work is asked for twice', () => {
    clearJobs()
    const a = enqueueJob('correlations.recompute', { personId: 'P00001' })
    expect(enqueueJob('correlations.recompute', { personId: 'P00001' }).id).toBe(a.id)
    expect(enqueueJob('correlations.recompute', { personId: 'P00002' }).id).not.toBe(a.id)
    expect(enqueueJob('correlations.recompute').id).not.toBe(a.id)
  })

  it('retries a failed attempt after a growing delay, then gives up at maxAttempts', () => {
    clearJobs()
    expect([1, 2, 3].map(n => retryDelayMs(n, 5000))).toEqual([5000, 20_000, 80_000])
    const { id } = enqueueJob('rollups.check', {}, { maxAttempts: 2, now: 0 })
    const first = claimNextJob(10)!
    expect(failJob(id, first.attempts, 'disk on fire', { retryBaseMs: 100, now: 20 })).toBe('queued')
    expect(getJob(id)).toMatchObject({ status: 'queued', attempts: 1, error: 'disk on fire', runAfter: new Date(120).toISOString() })
    // Not runnable before its delay has passed.
    expect(claimNextJob(119)).toBeUndefined()
    const second = claimNextJob(120)!
    expect(second.attempts).toBe(2)
    expect(failJob(id, second.attempts, 'still on fire', { retryBaseMs: 100, now: 130 })).toBe('failed')
    expect(getJob(id)).toMatchObject({ status: 'failed', attempts: 2, error: 'still on fire' })
    expect(claimNextJob(10_000_000)).toBeUndefined()
  })

  it('queues again a run left running by a process that stopped', () => {
    clearJobs()
    const { id } = enqueueJob('integrity.check', {}, { now: 0 })
    claimNextJob(5)
    expect(requeueInterruptedJobs(50)).toBe(1)
    expect(getJob(id)).toMatchObject({ status: 'queued', attempts: 1, error: 'interrupted by a restart' })
    expect(claimNextJob(50)!.attempts).toBe(2)
  })

  it('lists recent runs newest first, filtered and paged', () => {
    clearJobs()
    const ids = ['db.optimize', 'rollups.check', 'db.optimize'].map(t => enqueueJob(t as 'db.optimize', { n: Math.random() }).id)
    expect(listJobs({ limit: 10 }).data.map(j => j.id)).toEqual([...ids].reverse())
    const page = listJobs({ task: 'db.optimize', limit: 1 })
    expect(page.data.map(j => j.id)).toEqual([ids[2]])
    expect(listJobs({ task: 'db.optimize', limit: 1, cursor: page.page.nextCursor! }).data.map(j => j.id)).toEqual([ids[0]])
  })
})

describe('schedule', () => {
  it('parses task=interval lists and refuses anything else', () => {
    expect(parseSchedule('correlations.recompute=1d, db.optimize=90m')).toEqual([
      { task: 'correlations.recompute', everyMs: 86_400_000 },
      { task: 'db.optimize', everyMs: 5_400_000 },
    ])
    expect(parseSchedule('off')).toEqual([])
    expect(parseSchedule('')).toEqual([])
    expect(() => parseSchedule('backup=1h')).toThrow(ScheduleError)
    expect(() => parseSchedule('db.optimize=often')).toThrow(/task=interval/)
    expect(() => parseSchedule('db.optimize=10ms')).toThrow(/once a second/)
  })

  it('is due when the interval has passed since the last run, or since start when there was none', () => {
    const entries = parseSchedule('db.optimize=1h,rollups.check=6h')
    const last = (task: string) => (task === 'db.optimize' ? 0 : null)
    expect(dueEntries(entries, 3_600_000, 1000, last).map(e => e.task)).toEqual(['db.optimize'])
    expect(dueEntries(entries, 6 * 3_600_000 + 1000, 1000, last).map(e => e.task)).toEqual(['db.optimize', 'rollups.check'])
    expect(checkEveryMs(entries)).toBe(30_000)
    expect(checkEveryMs(parseSchedule('db.optimize=2s'))).toBe(500)
  })
})

// Each job starts a worker thread that loads the sources: seconds on a busy machine.
describe('jobs on the worker thread', { timeout: 60_000 }, () => {
  it('recomputes correlations on its own connection', async () => {
    const result = await runInWorker('correlations.recompute', {}, { dbPath: db.conn.path, timeoutMs: 60_000 })
    expect(result).toMatchObject({ people: 6 })
    const stored = db.conn.sqlite.prepare('SELECT count(*) AS n FROM correlations').get() as { n: number }
    expect(stored.n).toBe(result.tests)
  })

  it('finds the rollups consistent, then repairs one broken by hand', async () => {
    expect(await runInWorker('rollups.check', {}, { dbPath: db.conn.path, timeoutMs: 60_000 }))
      .toEqual({ claims: { mismatches: 0, repaired: false }, health: { mismatches: 0, repaired: 0 } })
    db.conn.sqlite.prepare(`UPDATE health_daily SET max = max + 1 WHERE rowid IN (SELECT rowid FROM health_daily LIMIT 2)`).run()
    db.conn.sqlite.prepare(`UPDATE claims_daily SET claims = claims + 1 WHERE rowid = (SELECT min(rowid) FROM claims_daily)`).run()
    const report = await runInWorker('integrity.check', {}, { dbPath: db.conn.path, timeoutMs: 60_000 })
    expect(report.rollups).toEqual({ claims: { mismatches: 1, repaired: false }, health: { mismatches: 2, repaired: 0 } })
    expect(report).toMatchObject({ implausibleValues: [], intakesInWrongUnit: [], gaps: { minGapDays: 3 } })
    expect((report.gaps as { series: number }).series).toBeGreaterThan(0)
    expect(await runInWorker('rollups.check', {}, { dbPath: db.conn.path, timeoutMs: 60_000 }))
      .toEqual({ claims: { mismatches: 1, repaired: true }, health: { mismatches: 2, repaired: 2 } })
    expect((await runInWorker('rollups.check', {}, { dbPath: db.conn.path, timeoutMs: 60_000 })).health).toEqual({ mismatches: 0, repaired: 0 })
  })

  it('the runner records success, and a failing job is retried and then marked failed', async () => {
    clearJobs()
    const ok = enqueueJob('db.optimize')
    const runner = new JobRunner({ dbPath: db.conn.path, pollMs: 20, retryBaseMs: 10, timeoutMs: 60_000 })
    runner.start()
    await until(() => getJob(ok.id)!.status === 'succeeded')
    await runner.stop()
    // A database file without the schema: every attempt fails inside the worker.
    const broken = new JobRunner({ dbPath: join(mkdtempSync(join(tmpdir(), 'jobs-')), 'empty.db'), pollMs: 20, retryBaseMs: 10, timeoutMs: 60_000 })
    const bad = enqueueJob('rollups.check', {}, { maxAttempts: 2 })
    broken.start()
    await until(() => getJob(bad.id)!.status === 'failed')
    await broken.stop()
    expect(getJob(bad.id)).toMatchObject({ status: 'failed', attempts: 2, error: expect.stringMatching(/no such table/) })
  })
})

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise(r => setTimeout(r, 25))
  }
}

// A shutdown stops the job that is running: its worker ends at once, and the run goes back to
// the queue without counting the attempt, for the next runner (this process's next start, or
// another process's).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { enqueueJob, getJob } from '../../server/services/jobs/queue.ts'
import { JobRunner } from '../../server/services/jobs/runner.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  // Enough people that a recompute of everyone runs for a few seconds.
  seedDatabase(db.conn, { claims: 100, people: 16, days: 365, seed: 3, end: '2026-06-30' })
}, 60_000)
afterAll(() => db.dispose())

it('stops the running job and queues it again, its attempt not counted', async () => {
  const job = enqueueJob('correlations.recompute', {})
  const runner = new JobRunner({ dbPath: db.conn.path, pollMs: 20, retryBaseMs: 10, timeoutMs: 60_000 })
  runner.start()
  const deadline = Date.now() + 10_000
  while (getJob(job.id)!.status !== 'running' && Date.now() < deadline) await new Promise(r => setTimeout(r, 10))
  expect(getJob(job.id)!.status).toBe('running')
  const stopping = performance.now()
  await runner.stop()
  // The worker is ended, not waited for: the recompute alone takes seconds.
  expect(performance.now() - stopping).toBeLessThan(1000)
  expect(getJob(job.id)).toMatchObject({ status: 'queued', attempts: 0, startedAt: null, error: 'stopped by a shutdown' })
}, 60_000)

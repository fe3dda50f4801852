// writeTransaction against a lock another connection holds, as on the server's main thread (busy
// timeout 0): it waits on timers while the event loop keeps running, writes once the lock goes,
// and past its budget gives up with an error answered as 503 with Retry-After, having written
// nothing. And the job runner on a locked database: no claim, no lost outcome, no unhandled rejection.
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setBusyTimeout } from '../../server/database/connection.ts'
import { classifyUnexpected } from '../../server/services/errors.ts'
import { enqueueJob, getJob } from '../../server/services/jobs/queue.ts'
import { JobRunner } from '../../server/services/jobs/runner.ts'
import { DatabaseBusyError, defineQuery, writeTransaction } from '../../server/services/query/index.ts'
import { tempDatabase } from './helpers.ts'
import { watchLoop } from './loop-watch.ts'

// The runner's worker thread, replaced by a job whose end the test decides.
const worker = vi.hoisted(() => ({ finish: undefined as undefined | ((result: Record<string, unknown>) => void) }))
vi.mock('../../server/services/jobs/worker-host.ts', () => ({
  runInWorker: () => new Promise(done => (worker.finish = done)),
}))

let db: ReturnType<typeof tempDatabase>
let other: Database.Database
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)

beforeAll(() => {
  db = tempDatabase()
  setBusyTimeout(db.conn.sqlite, 0)
  db.conn.sqlite.exec('CREATE TABLE notes (text TEXT NOT NULL)')
  other = new Database(db.conn.path)
  process.on('unhandledRejection', onUnhandled)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
  other.close()
  db.dispose()
})
afterEach(() => {
  if (other.inTransaction) other.exec('ROLLBACK')
})

const note = defineQuery<{ text: string }, never>('test.notes.insert', 'INSERT INTO notes (text) VALUES (@text)')
const notes = () => (db.conn.sqlite.prepare('SELECT text FROM notes ORDER BY rowid').all() as { text: string }[]).map(r => r.text)

describe('writeTransaction', () => {
  it('waits on timers while another connection holds the lock, then writes once', async () => {
    other.exec('BEGIN IMMEDIATE')
    setTimeout(() => other.exec('COMMIT'), 150)
    let runs = 0
    const started = performance.now()
    const { outcome: result, longestGapMs: stallMs } = await watchLoop(() => writeTransaction(() => {
      runs++
      note.run({ text: 'after the lock' })
      return 'written'
    }, { waitMs: 2000 }))
    expect(result).toEqual({ status: 'fulfilled', value: 'written' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    // Written at once when the lock went (pauses are at most 50 ms), by one run of the function.
    expect(performance.now() - started).toBeLessThan(400)
    expect(runs).toBe(1)
    expect(notes()).toEqual(['after the lock'])
    expect(stallMs).toBeLessThan(50)
  })

  it('gives up after its budget with an error answered 503 + Retry-After, having run and written nothing', async () => {
    other.exec('BEGIN IMMEDIATE')
    let runs = 0
    const started = performance.now()
    const { outcome: result, longestGapMs: stallMs } = await watchLoop(() => writeTransaction(() => {
      runs++
      note.run({ text: 'never' })
    }, { waitMs: 200 }))
    const waited = performance.now() - started
    expect(result.status).toBe('rejected')
    const error = (result as PromiseRejectedResult).reason
    expect(error).toBeInstanceOf(DatabaseBusyError)
    expect(classifyUnexpected(error)).toEqual({ statusCode: 503, statusMessage: 'Service Unavailable', message: 'The database is busy; retry shortly', retryAfter: 1 })
    expect(waited).toBeGreaterThanOrEqual(195)
    expect(waited).toBeLessThan(400)
    expect(runs).toBe(0)
    expect(stallMs).toBeLessThan(50)
    other.exec('ROLLBACK')
    expect(notes()).toEqual(['after the lock'])
  })

  it('queues writes that meet the lock: in order once it goes, and a later one that cannot wait is refused at once', async () => {
    other.exec('BEGIN IMMEDIATE')
    setTimeout(() => other.exec('COMMIT'), 100)
    const queued = Array.from({ length: 20 }, (_, i) => writeTransaction(() => note.run({ text: `queued ${i}` }), { waitMs: 2000 }))
    // Others are waiting: a write with no wait does not jump the queue.
    await expect(writeTransaction(() => note.run({ text: 'impatient' }), { waitMs: 0 })).rejects.toBeInstanceOf(DatabaseBusyError)
    await Promise.all(queued)
    expect(notes()).toEqual(['after the lock', ...Array.from({ length: 20 }, (_, i) => `queued ${i}`)])
    db.conn.sqlite.prepare(`DELETE FROM notes WHERE text LIKE 'queued %'`).run()
  })

  it('throws any other error once, without retrying, and rolls back', async () => {
    let runs = 0
    await expect(writeTransaction(() => {
      runs++
      note.run({ text: 'rolled back' })
      throw new Error('refused')
    })).rejects.toThrow('refused')
    expect(runs).toBe(1)
    expect(notes()).toEqual(['after the lock'])
  })
})

describe('the job runner on a locked database', () => {
  it('claims nothing while locked, keeps a finished run\'s outcome until it can write it, and never rejects unhandled', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    db.conn.sqlite.prepare('DELETE FROM job_runs').run()
    const jobId = enqueueJob('db.optimize').id
    other.exec('BEGIN IMMEDIATE')
    const runner = new JobRunner({ dbPath: db.conn.path, pollMs: 20, retryBaseMs: 10, timeoutMs: 60_000 })
    const started = runner.start()
    // Locked from the start: no requeue, no claim, polled every 20 ms without an error.
    await sleep(200)
    expect(getJob(jobId)).toMatchObject({ status: 'queued', attempts: 0 })
    other.exec('COMMIT')
    expect(await started).toBe(0)
    await until(() => getJob(jobId)!.status === 'running' && worker.finish !== undefined)

    // The run ends while another connection holds the lock: the outcome waits, it is not lost.
    other.exec('BEGIN IMMEDIATE')
    worker.finish!({ ok: true })
    await sleep(300)
    expect(getJob(jobId)).toMatchObject({ status: 'running' })
    other.exec('COMMIT')
    await until(() => getJob(jobId)!.status === 'succeeded')
    expect(getJob(jobId)).toMatchObject({ status: 'succeeded', attempts: 1, result: { ok: true } })
    await runner.stop()
    warn.mockRestore()
    expect(unhandled).toEqual([])
  }, 20_000)
})

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await sleep(10)
  }
}

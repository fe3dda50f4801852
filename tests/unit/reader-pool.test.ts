// The reader threads (query/off-thread.ts): a read answers its rows and is recorded like any
// other; one past the time limit is refused at once with a 503 while the event loop keeps
// running, its thread replaced when it cannot stop by itself; a read queued behind it never runs
// late; SQLite's own errors come back as they are.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { classifyUnexpected } from '../../server/services/errors.ts'
import { configureSlowLog, defineQuery, queryStats, resetQueryStats, slowQueries } from '../../server/services/query/index.ts'
import { configureReaders, DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_READERS, QueryTimeoutError, readAll, readDeadline, readersReplaced, readOne, stopOffThreadWorker } from '../../server/services/query/off-thread.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'
import { watchLoop } from './loop-watch.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn, 500)
})
afterEach(() => configureReaders({ size: DEFAULT_READERS, timeoutMs: DEFAULT_QUERY_TIMEOUT_MS }))
afterAll(async () => {
  await stopOffThreadWorker()
  configureSlowLog({ slowMs: 50, perName: {} })
  db.dispose()
})

// One sqlite3_step that counts to a billion: SQLite never returns to JavaScript before it is done.
const oneLongStep = defineQuery<Record<string, never>, { n: number }>('test.readers.oneLongStep',
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c')
// Rows now and then from a long walk: the thread steps row by row and sees its deadline.
const sparseRows = defineQuery<Record<string, never>, { x: number }>('test.readers.sparseRows',
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT x FROM c WHERE x % 200000 = 0')
const claimsOf = defineQuery<{ payer: string }, { id: number }>('test.readers.claimsOf', 'SELECT id FROM claims WHERE payer = @payer ORDER BY id')
const broken = defineQuery<Record<string, never>, unknown>('test.readers.broken', 'SELECT * FROM no_such_table')

describe('reader threads', () => {
  it('answer a read with the rows the main connection sees, recorded in the stats', async () => {
    resetQueryStats()
    const want = db.conn.sqlite.prepare(`SELECT id FROM claims WHERE payer = 'Cigna' ORDER BY id`).all()
    expect(want.length).toBeGreaterThan(0)
    expect(await readAll(claimsOf, { payer: 'Cigna' })).toEqual(want)
    expect(queryStats().find(s => s.name === 'test.readers.claimsOf')).toMatchObject({ calls: 1, rows: want.length })
  })

  it('refuse a read stuck in one long step at its deadline, keep the loop free, and replace its thread', async () => {
    configureReaders({ size: 2, timeoutMs: 150 })
    configureSlowLog({ slowMs: 100, perName: {} })
    resetQueryStats()
    const before = readersReplaced()
    const { outcome, ms, longestGapMs } = await watchLoop(() => readOne(oneLongStep, {}), 10)
    expect(outcome.status).toBe('rejected')
    const error = (outcome as PromiseRejectedResult).reason
    expect(error).toBeInstanceOf(QueryTimeoutError)
    expect(error.message).toBe('The query took longer than its time limit (150 ms) and was stopped')
    // Inline, the count would hold the loop for tens of seconds; the margins are for a busy machine.
    expect(ms).toBeGreaterThanOrEqual(145)
    expect(ms).toBeLessThan(150 + 400)
    expect(longestGapMs).toBeLessThan(150)
    expect(readersReplaced()).toBe(before + 1)
    // Recorded on the one statement path, and slow: the stats and the slow log name it.
    expect(queryStats().find(s => s.name === 'test.readers.oneLongStep')).toMatchObject({ calls: 1, rows: 0 })
    expect(slowQueries().find(s => s.name === 'test.readers.oneLongStep')?.durationMs).toBeGreaterThanOrEqual(145)
    // The pool answers the next read (given time for the fresh thread to open the file).
    expect((await readAll(claimsOf, { payer: 'Aetna' }, performance.now() + 5000)).length).toBeGreaterThan(0)
  })

  it('let a read that yields rows stop by itself at its deadline, keeping its thread', async () => {
    configureReaders({ size: 1, timeoutMs: 150 })
    await readAll(claimsOf, { payer: 'Aetna' }, performance.now() + 5000) // the thread is up
    const before = readersReplaced()
    const { outcome, ms } = await watchLoop(() => readAll(sparseRows, {}), 10)
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(QueryTimeoutError)
    expect(ms).toBeLessThan(150 + 400)
    // Refused by the thread itself (or at the deadline while between two rows): rarely replaced.
    expect(readersReplaced() - before).toBeLessThanOrEqual(1)
    expect((await readAll(claimsOf, { payer: 'Cigna' }, performance.now() + 5000)).length).toBeGreaterThan(0)
  })

  it('refuse a read queued behind a long one at its own deadline, without running it', async () => {
    configureReaders({ size: 1, timeoutMs: 5000 })
    await readAll(claimsOf, { payer: 'Aetna' })
    resetQueryStats()
    const long = Promise.allSettled([readOne(oneLongStep, {}, performance.now() + 600)])
    const started = performance.now()
    const queued = await Promise.allSettled([readAll(claimsOf, { payer: 'Cigna' }, performance.now() + 100)])
    expect((queued[0] as PromiseRejectedResult).reason).toBeInstanceOf(QueryTimeoutError)
    expect(performance.now() - started).toBeLessThan(100 + 400)
    expect(((await long)[0] as PromiseRejectedResult).reason).toBeInstanceOf(QueryTimeoutError)
    // The queued read was recorded as timed out with no rows, and never ran on a thread.
    expect(queryStats().find(s => s.name === 'test.readers.claimsOf')).toMatchObject({ calls: 1, rows: 0 })
    expect((await readAll(claimsOf, { payer: 'Cigna' })).length).toBeGreaterThan(0)
  })

  it('refuse at once a read whose deadline has passed', async () => {
    await expect(readAll(claimsOf, { payer: 'Aetna' }, readDeadline() - DEFAULT_QUERY_TIMEOUT_MS - 1)).rejects.toBeInstanceOf(QueryTimeoutError)
  })

  it('pass SQLite\'s errors through with their code, and keep serving', async () => {
    await expect(readAll(broken, {})).rejects.toMatchObject({ message: 'no such table: no_such_table', code: 'SQLITE_ERROR' })
    expect((await readAll(claimsOf, { payer: 'Aetna' })).length).toBeGreaterThan(0)
  })

  it('run reads inline when configured with no threads', async () => {
    configureReaders({ size: 0 })
    const before = readersReplaced()
    expect((await readAll(claimsOf, { payer: 'Aetna' })).length).toBeGreaterThan(0)
    expect(readersReplaced()).toBe(before)
  })

  it('refuse the reads in flight when stopped', async () => {
    configureReaders({ size: 1, timeoutMs: 5000 })
    const long = Promise.allSettled([readOne(oneLongStep, {})])
    await new Promise(resolve => setTimeout(resolve, 20))
    await stopOffThreadWorker()
    expect(((await long)[0] as PromiseRejectedResult).reason.message).toBe('The reader threads stopped')
  })
})

describe('a timed-out read as an answer', () => {
  it('is a 503 with Retry-After saying the query took too long, never naming the statement or its values', () => {
    const answer = classifyUnexpected(Object.assign(new Error('wrapped'), { cause: new QueryTimeoutError(5000) }))
    expect(answer).toEqual({
      statusCode: 503,
      statusMessage: 'Service Unavailable',
      message: 'The query took longer than its time limit and was stopped; retry shortly, or narrow the filters',
      retryAfter: 1,
    })
  })
})

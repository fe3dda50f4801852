// Every kind of statement runner goes through the query layer's one execution path: a defineQuery,
// a bulk insert, a rollup merge, a planner probe, an off-thread count and a statement run in the
// job worker thread each show up in the query statistics (calls, time, rows), in the Prometheus
// query histogram, in the request's tally (Server-Timing `db`) and, over the threshold (0 here),
// in the slow log with a plan.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { estimate } from '../../server/services/claims/planner.ts'
import { ListClaimsQuery } from '../../server/services/claims/schemas.ts'
import { ingestPoints } from '../../server/services/health/ingest-points.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'
import { metricsText } from '../../server/services/monitoring/prometheus.ts'
import { BulkInserter } from '../../server/services/query/bulk-insert.ts'
import { configureSlowLog, defineQuery, queryStats, resetQueryStats, runTallied, slowQueries, type StatementTally } from '../../server/services/query/index.ts'
import { runOffThread, stopOffThreadWorker } from '../../server/services/query/off-thread.ts'
import { NO_PLAN_STEPS, recordExecution, statementStats } from '../../server/services/query/stats.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn, 2000)
})
afterAll(async () => {
  await stopOffThreadWorker()
  configureSlowLog({ slowMs: 50, perName: {} })
  db.dispose()
})
beforeEach(() => {
  resetQueryStats()
  configureSlowLog({ slowMs: 0, perName: {} })
})

const stat = (name: string) => queryStats().find(s => s.name === name)

/** db_query_duration_seconds_count for one statement, as /metrics would show it. */
async function scrapedCount(name: string): Promise<number | undefined> {
  const { body } = await metricsText()
  const line = body.split('\n').find(l => l.startsWith(`db_query_duration_seconds_count{query="${name}"} `))
  return line === undefined ? undefined : Number(line.split(' ').pop())
}

/** The statement is in the stats with calls and time, in /metrics with as many, and slow-logged with a plan. */
async function expectMeasured(name: string, calls: number, plan: RegExp | string) {
  const s = stat(name)
  expect(s, `${name} in the query stats`).toMatchObject({ calls })
  expect(s!.totalMs).toBeGreaterThan(0)
  expect(s!.maxMs).toBeGreaterThan(0)
  expect(await scrapedCount(name)).toBe(calls)
  const slow = slowQueries().filter(q => q.name === name)
  expect(slow).toHaveLength(calls)
  for (const entry of slow) {
    expect(entry.durationMs).toBeGreaterThan(0)
    if (typeof plan === 'string') expect(entry.plan).toBe(plan)
    else expect(entry.plan).toMatch(plan)
  }
}

async function tallied<T>(fn: () => T | Promise<T>): Promise<StatementTally> {
  const tally: StatementTally = { dbMs: 0, queries: 0 }
  await runTallied(tally, async () => fn())
  return tally
}

describe('one execution path for every statement', () => {
  it('a defineQuery', async () => {
    const q = defineQuery<{ payer: string }, { id: number }>('test.paths.byPayer', 'SELECT id FROM claims WHERE payer = @payer')
    const tally = await tallied(() => q.all({ payer: 'Aetna' }))
    await expectMeasured('test.paths.byPayer', 1, /SEARCH claims USING (COVERING )?INDEX idx_claims_payer_date/)
    expect(tally).toMatchObject({ queries: 1, dbMs: stat('test.paths.byPayer')!.totalMs })
    expect(stat('test.paths.byPayer')!.rows).toBeGreaterThan(100)
  })

  it('a bulk insert: each multi-row statement is one execution with its rows', async () => {
    const tally = await tallied(() => {
      const insert = new BulkInserter('test.paths.bulk', db.conn.sqlite, 'providers', ['id', 'npi', 'name', 'specialty', 'state'], 4)
      for (let i = 0; i < 10; i++) insert.push(100 + i, String(2000000000 + i), `Bulk ${i}`, 'Cardiology', 'WA')
      return insert.flush()
    })
    await expectMeasured('test.paths.bulk', 3, NO_PLAN_STEPS)
    expect(stat('test.paths.bulk')!.rows).toBe(10)
    expect(tally.queries).toBe(3)
    expect(db.conn.sqlite.prepare(`SELECT count(*) AS n FROM providers WHERE name LIKE 'Bulk %'`).get()).toEqual({ n: 10 })
  })

  it('a rollup merge (an ingest\'s health.rollup.merge and its inserts)', async () => {
    const points = Array.from({ length: 30 }, (_, i) => ({ personId: `P-${i % 3}`, metric: 'steps', value: 1000 + i, at: `2026-05-0${1 + (i % 5)}T0${i % 10}:00:00Z`, source: 'wearable' }))
    const tally = await tallied(() => ingestPoints(JSON.stringify(points), 'application/json'))
    // 3 people × 5 days: one merge of 15 rollup rows.
    await expectMeasured('health.rollup.merge', 1, NO_PLAN_STEPS)
    expect(stat('health.rollup.merge')!.rows).toBe(15)
    await expectMeasured('health.ingest.insert', 1, NO_PLAN_STEPS)
    const inTally = queryStats().reduce((ms, s) => ms + s.totalMs, 0)
    expect(tally.dbMs).toBeCloseTo(inTally, 6)
  })

  it('a planner probe', async () => {
    estimate(ListClaimsQuery.parse({ providerId: '2', minBilledCents: '2500', sort: '-billedCents' }), 'billed_cents')
    const probes = queryStats().filter(s => s.name.startsWith('claims.plan.'))
    expect(probes.map(p => p.name)).toEqual(expect.arrayContaining([
      'claims.plan.probeBilled[providerId,minBilled]', 'claims.plan.probeBilled[minBilled]', expect.stringMatching(/^claims\.plan\.sizes\[provider=;all\]$/),
    ]))
    await expectMeasured('claims.plan.probeBilled[providerId,minBilled]', 1, /SEARCH claims USING (COVERING )?INDEX idx_claims_provider_billed/)
  })

  it('an off-thread count: recorded on the main thread, and in the request\'s tally after the await', async () => {
    const count = defineQuery<{ payer: string }, { n: number }>('test.paths.offThreadCount', 'SELECT count(*) AS n FROM claims WHERE payer = @payer')
    let row: { n: number } | undefined
    const tally = await tallied(async () => {
      row = await runOffThread(count, { payer: 'Cigna' }, 'get') as { n: number }
    })
    expect(row!.n).toBe((db.conn.sqlite.prepare(`SELECT count(*) AS n FROM claims WHERE payer = 'Cigna'`).get() as { n: number }).n)
    await expectMeasured('test.paths.offThreadCount', 1, /idx_claims_payer_date/)
    expect(tally).toMatchObject({ queries: 1, dbMs: stat('test.paths.offThreadCount')!.totalMs })
  })

  it('a statement run in the job worker thread: sent back to this thread\'s stats and slow log', { timeout: 60_000 }, async () => {
    expect(await runInWorker('rollups.check', { repair: false }, { dbPath: db.conn.path, timeoutMs: 60_000 }))
      .toEqual({ claims: { mismatches: 0, repaired: false }, health: { mismatches: 0, repaired: 0 } })
    await expectMeasured('jobs.rollupCheck.claims', 1, /SCAN claims/)
    await expectMeasured('jobs.rollupCheck.health', 1, /health_data_points/)
    expect(stat('jobs.rollupCheck.claims')!.rows).toBe(1)
  })

  it('a slow threshold above the executions logs none of them, and the plan is explained once per statement', async () => {
    configureSlowLog({ slowMs: 60_000 })
    const q = defineQuery<{ id: number }, { id: number }>('test.paths.fast', 'SELECT id FROM claims WHERE id = @id')
    for (let id = 1; id <= 5; id++) q.get({ id })
    expect(stat('test.paths.fast')).toMatchObject({ calls: 5, rows: 5 })
    expect(slowQueries()).toEqual([])
    configureSlowLog({ slowMs: 0 })
    for (let id = 1; id <= 3; id++) q.get({ id })
    const plans = slowQueries().map(s => s.plan)
    expect(plans).toHaveLength(3)
    expect(new Set(plans).size).toBe(1)
    expect(plans[0]).toMatch(/SEARCH claims USING INTEGER PRIMARY KEY/)
  })
})

describe('db_query_duration_seconds', () => {
  it('is rendered from the query layer\'s own buckets: cumulative, in seconds, with the sum', async () => {
    const s = statementStats('test.paths.buckets', 'SELECT 1')
    for (const ms of [0.05, 0.3, 0.3, 7, 2000]) recordExecution(s, ms, 1)
    const { body } = await metricsText()
    const sample = (suffix: string) => Number(body.split('\n').find(l => l.startsWith(`db_query_duration_seconds${suffix}`))?.split(' ').pop())
    expect(sample('_bucket{le="0.0001",query="test.paths.buckets"}')).toBe(1)
    expect(sample('_bucket{le="0.00025",query="test.paths.buckets"}')).toBe(1)
    expect(sample('_bucket{le="0.0005",query="test.paths.buckets"}')).toBe(3)
    expect(sample('_bucket{le="0.01",query="test.paths.buckets"}')).toBe(4)
    expect(sample('_bucket{le="1",query="test.paths.buckets"}')).toBe(4)
    expect(sample('_bucket{le="+Inf",query="test.paths.buckets"}')).toBe(5)
    expect(sample('_count{query="test.paths.buckets"}')).toBe(5)
    expect(sample('_sum{query="test.paths.buckets"}')).toBeCloseTo(2.00765, 9)
  })
})

describe('the query layer is below monitoring', () => {
  it('no file of server/services/query imports monitoring (monitoring reads the query layer, never the reverse)', () => {
    const dir = join(import.meta.dirname, '../../server/services/query')
    const files = readdirSync(dir).filter(f => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/from '[^']*monitoring\//)
  })
})

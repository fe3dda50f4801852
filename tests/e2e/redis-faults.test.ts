// Redis stopped, frozen, killed and started again while the portal is under its mixed load (the
// bench's portal mix through its autocannon worker): a private redis-server on a free port, with
// the portal's cache and rate limiter on it. SIGSTOP freezes it (connections stay open and
// commands hang: the worst case), SIGCONT thaws it, SIGKILL kills it, and it starts again on the
// same port from its last snapshot, which predates a write, as a restarted Redis does. Asserted:
// no 5xx or failed request at any moment, requests during the freeze answered within a bound (the
// cache's command timeout, not the freeze), every write seen by the next read in every phase (no
// stale answer from a Redis that was away or came back older), and one log line per outage and
// per return, not one per request. Skipped, saying so, where redis-server is not installed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mixFacts } from '../../scripts/bench/lib/bench-db.ts'
import { startLoad, type LoadResult, type RunningLoad } from '../../scripts/bench/lib/load.ts'
import { portalFacts } from '../../scripts/bench/lib/portal-mix.ts'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { createApiKey } from '../../server/services/auth/api-keys.ts'
import { REDIS_TIMEOUT_MS } from '../../server/services/cache/backends.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY } from './portal.ts'
import { freePort, spawnServer, type SpawnedServer } from './spawn-server.ts'

const REDIS_SERVER = 'redis-server'
const available = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0
/** The longest a request may take while Redis is frozen: its command timeout plus a shared machine's slack. */
const FREEZE_BOUND_MS = REDIS_TIMEOUT_MS + 1750
const FREEZE_MS = 4000
const NO_PINNING = { enabled: false, serverCore: 0, loadCore: 0, description: 'unpinned (test)' }

const dir = mkdtempSync(join(tmpdir(), 'portal-redis-faults-'))
const dbPath = join(dir, 'portal.db')
let redisPort = 0
let redis: ChildProcess | undefined
let server: SpawnedServer | undefined
let load: RunningLoad | undefined

async function startRedis(): Promise<void> {
  // Snapshots only when asked (SAVE): the test decides how old the file it restarts from is.
  const child = spawn(REDIS_SERVER, ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  redis = child
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    probe.on('error', () => {})
    try {
      await probe.connect()
      await probe.ping()
      return
    }
    catch {
      await new Promise(r => setTimeout(r, 50))
    }
    finally {
      probe.disconnect()
    }
  }
  throw new Error('redis-server did not start')
}

async function redisCommand<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(redisPort, '127.0.0.1')
  try {
    return await fn(client)
  }
  finally {
    client.disconnect()
  }
}

const admin = { authorization: `Bearer ${ADMIN_KEY}` }

async function timed(path: string, init: RequestInit = {}): Promise<{ status: number, body: any, ms: number }> {
  const started = performance.now()
  const res = await fetch(`${server!.url}${path}`, { ...init, headers: { ...admin, ...init.headers } })
  const body = await res.json()
  return { status: res.status, body, ms: performance.now() - started }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const METRICS = '/api/v1/claims/metrics?groupBy=payer&from=2026-01-01&to=2026-06-30'
let summary = ''
let submitted: number[] = []
let person = ''

async function patchToPending(): Promise<void> {
  const id = submitted.shift()!
  const res = await timed(`/api/v1/claims/${id}`, { method: 'PATCH', body: JSON.stringify({ status: 'pending' }), headers: { 'content-type': 'application/json' } })
  expect(res.status).toBe(200)
}

/** The day buckets' total count of the summary: a new point adds one. */
const points = (body: any) => (body.data as { count: number }[]).reduce((n, b) => n + b.count, 0)

describe.skipIf(!available)(available ? 'Redis stopped, frozen, killed and restarted under load' : 'Redis faults: SKIPPED, redis-server is not installed', () => {
  beforeAll(async () => {
    const conn = initDatabase(dbPath)
    runMigrations(conn)
    seedDatabase(conn, { claims: 3000, people: 3, days: 60, seed: 7, end: '2026-06-30' })
    const facts = portalFacts(conn.sqlite, mixFacts(conn.sqlite))
    const keys = Array.from({ length: 8 }, (_, i) => createApiKey(`faults ${i}`, 'operator').key)
    submitted = conn.sqlite.prepare(`SELECT id FROM claims WHERE status = 'submitted' AND date_of_service BETWEEN '2026-01-01' AND '2026-06-30' ORDER BY id LIMIT 10`).pluck().all() as number[]
    person = facts.people[0]!
    summary = `/api/v1/health-data/summary?personId=${person}&metric=steps&bucket=day&from=2026-05-01&to=2026-06-30`
    closeDatabase()

    redisPort = await freePort()
    await startRedis()
    server = await spawnServer(dbPath, { NUXT_CACHE_REDIS_URL: `redis://127.0.0.1:${redisPort}`, NUXT_JOB_RUNNER: 'false' })
    // Reads cached and not, claim lists, health series, scrapes, and intakes as the writes: the
    // claims and health data the checks below write are written by them alone, so what a read
    // shows is what the checks expect.
    load = startLoad(NO_PINNING, {
      origin: server.url,
      headers: {},
      connections: 12,
      durationS: 120,
      warmupS: 0,
      source: { kind: 'portal', mix: { facts, credentials: { keys, adminKey: ADMIN_KEY }, seed: 3, weights: { 'POST /api/v1/claims (50 claims)': 0, 'POST /api/v1/health-data (100 points)': 0 } } },
      countCacheHits: true,
      revalidate: false,
      connectionRate: 10,
      timeline: true,
    })
  })

  afterAll(async () => {
    load?.stop()
    await load?.done.catch(() => undefined)
    await server?.stop()
    redis?.kill('SIGKILL')
  })

  it('answers every request, bounded while frozen, never stale after, and says so once per outage', { timeout: 120_000 }, async () => {
    const marks: Record<string, { at: number, log: number }> = {}
    const mark = (name: string) => (marks[name] = { at: Date.now(), log: server!.log().length })
    await sleep(2000)

    // Redis up: a summary cached, the snapshot taken, then a point that moves the summary.
    const h0 = await timed(summary)
    expect((await timed(summary)).status).toBe(200)
    await redisCommand(c => c.save())
    const point = await timed('/api/v1/health-data', { method: 'POST', body: JSON.stringify([{ personId: person, metric: 'steps', value: 1234, at: '2026-06-15T07:00:00Z', source: 'faults-test' }]), headers: { 'content-type': 'application/json' } })
    expect(point.body).toMatchObject({ inserted: 1 })
    const h1 = await timed(summary)
    expect(points(h1.body)).toBe(points(h0.body) + 1)
    const m0 = await timed(METRICS)

    // Frozen: a write and the read after it answer, without waiting for Redis.
    mark('freeze')
    redis!.kill('SIGSTOP')
    await sleep(500)
    await patchToPending()
    const duringFreeze = await timed(METRICS)
    expect(duringFreeze.status).toBe(200)
    expect(duringFreeze.body.totals.pending).toBe(m0.body.totals.pending + 1)
    expect(duringFreeze.ms).toBeLessThan(FREEZE_BOUND_MS)
    await sleep(FREEZE_MS - 500)
    mark('thaw')
    redis!.kill('SIGCONT')
    await sleep(2500)
    expect((await timed(METRICS)).body.totals.pending).toBe(m0.body.totals.pending + 1)

    // Killed: a write while it is gone is seen by the next read, there and after it returns.
    mark('kill')
    const dead = new Promise(done => redis!.once('exit', done))
    redis!.kill('SIGKILL')
    await dead
    await sleep(1000)
    await patchToPending()
    expect((await timed(METRICS)).body.totals.pending).toBe(m0.body.totals.pending + 2)
    mark('restart')
    await startRedis()
    const deadline = Date.now() + 15_000
    while (!(await timed('/api/v1/admin/cache/stats')).body.redis?.connected && Date.now() < deadline) await sleep(100)
    await sleep(1500)

    // Back, from a snapshot older than the point and the writes: none of it may be served.
    const after = await timed(summary)
    expect(points(after.body), 'the summary after Redis came back from its older snapshot').toBe(points(h1.body))
    expect((await timed(METRICS)).body.totals.pending).toBe(m0.body.totals.pending + 2)
    await patchToPending()
    expect((await timed(METRICS)).body.totals.pending).toBe(m0.body.totals.pending + 3)
    // And the shared cache is used again: what was just computed is a HIT, from Redis.
    const again = await fetch(`${server!.url}${summary}`, { headers: admin })
    expect(again.headers.get('x-cache')).toBe('HIT')
    const stats = (await timed('/api/v1/admin/cache/stats')).body
    expect(stats.redis).toMatchObject({ connected: true, pendingInvalidations: 0 })
    mark('end')

    load!.stop()
    const result: LoadResult = await load!.done
    const timeline = result.timeline!
    const statuses = new Map<number, number>()
    for (const [, , status] of timeline) statuses.set(status, (statuses.get(status) ?? 0) + 1)
    console.info(`[redis-faults] ${timeline.length} answers under load: ${[...statuses].map(([s, n]) => `${n} × ${s}`).join(', ')}; socket errors ${result.errors}, timeouts ${result.timeouts}`)
    expect(timeline.length).toBeGreaterThan(500)
    expect([...statuses.keys()].filter(s => s >= 500 || (s >= 400 && s !== 429))).toEqual([])
    expect(result.errors).toBe(0)
    expect(result.timeouts).toBe(0)

    const frozen = timeline.filter(([end, ms]) => end > marks.freeze!.at && end - ms < marks.thaw!.at)
    const slowest = Math.max(...frozen.map(([, ms]) => ms))
    console.info(`[redis-faults] ${frozen.length} answers overlapped the ${FREEZE_MS} ms freeze; slowest ${slowest.toFixed(0)} ms (bound ${FREEZE_BOUND_MS} ms)`)
    expect(frozen.length).toBeGreaterThan(50)
    expect(slowest).toBeLessThan(FREEZE_BOUND_MS)

    const log = server!.log()
    const linesIn = (from: string, to: string, pattern: RegExp) => log.slice(marks[from]!.log, marks[to]!.log).split('\n').filter(l => pattern.test(l))
    const lost = /\[cache\] redis unavailable/
    const back = /\[cache\] redis is reachable again/
    expect(linesIn('freeze', 'thaw', lost)).toHaveLength(1)
    expect(linesIn('thaw', 'kill', back)).toHaveLength(1)
    expect(linesIn('kill', 'restart', lost)).toHaveLength(1)
    expect(linesIn('restart', 'end', back)).toHaveLength(1)
    expect(log.split('\n').filter(l => lost.test(l)).length).toBeLessThanOrEqual(4)
  })
})

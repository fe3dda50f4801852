// `npm run measure:recompute -- [--people 500] [--days 365] [--claims 100000] [--db PATH] [--rate 200] [--idle 10] [--rounds 3]`
//
// Seeds (or reuses) a database, starts the built server on it and measures:
//   1. API p99 with the server idle, under a steady load of GET requests (autocannon at --rate
//      requests a second over 4 connections, a mix of people, summaries, correlations, claims);
//   2. the same load while POST /api/v1/correlations/recompute recomputes everyone on the job
//      worker thread, and how long that recompute takes (job_runs.duration_ms);
//   3. the recompute alone, without load.
// Idle and busy phases alternate for --rounds rounds, so that noise from other work on a shared
// machine falls on both alike; prints each round and the medians, and the p99 ratio (during ÷
// idle). The goal is a ratio within 2.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { closeDatabase } from '../server/database/client.ts'
import { isDatabaseEmpty, seedDatabase } from '../server/services/seed/index.ts'
import { ensureBuilt, PROJECT_ROOT, SERVER_ENTRY } from './lib/build.ts'
import { openMigrated } from './lib/cli.ts'

// autocannon ships no types; this is the part of its API used here.
interface LoadResult {
  latency: { p50: number, p99: number }
  requests: { total: number }
  errors: number
  non2xx: number
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: LoadResult) => void) => { stop: () => void }
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '500' },
    days: { type: 'string', default: '365' },
    claims: { type: 'string', default: '100000' },
    db: { type: 'string', default: '/tmp/measure-recompute.db' },
    rate: { type: 'string', default: '200' },
    idle: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
})
const people = Number(values.people)
const rate = Number(values.rate)
const KEY = 'ap_measure-recompute-admin-key-000000000000'

ensureBuilt()
const fresh = !existsSync(values.db)
const { conn } = openMigrated(values.db)
if (fresh || isDatabaseEmpty(conn)) {
  const report = seedDatabase(conn, { claims: Number(values.claims), people, days: Number(values.days), seed: 42, end: '2026-06-30' })
  console.info(`[measure] seeded ${report.people} people (${report.points.toLocaleString('en-US')} points, ${report.intakes.toLocaleString('en-US')} intakes) and ${report.claims.toLocaleString('en-US')} claims in ${(report.ms / 1000).toFixed(1)} s`)
}
else console.info(`[measure] reusing ${values.db}`)
conn.sqlite.pragma('wal_checkpoint(TRUNCATE)')
closeDatabase()

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, () => {
    const { port } = s.address() as { port: number }
    s.close(() => resolve(port))
  })
})
const base = `http://127.0.0.1:${port}`
const server = spawn(join(PROJECT_ROOT, 'node_modules/.bin/node'), [SERVER_ENTRY], {
  cwd: PROJECT_ROOT,
  env: { ...process.env, PORT: String(port), NUXT_DATABASE_PATH: values.db, NUXT_BOOTSTRAP_ADMIN_KEY: KEY, NUXT_SEED_DEMO: 'false', NUXT_JOB_SCHEDULE: 'off' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
process.on('exit', () => server.kill('SIGKILL'))
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
for (let i = 0; ; i++) {
  if (await fetch(`${base}/healthz`).then(r => r.ok, () => false)) break
  if (i > 300) throw new Error('the server did not start')
  await new Promise(r => setTimeout(r, 100))
}

const ref = (i: number) => `P${String((i % people) + 1).padStart(5, '0')}`
const paths = Array.from({ length: 40 }, (_, i) => [
  `/api/v1/people?limit=50`,
  `/api/v1/health-data/summary?personId=${ref(i * 7)}&metric=sleep_minutes&bucket=week`,
  `/api/v1/health-data?personId=${ref(i * 11)}&metric=hrv&limit=100`,
  `/api/v1/correlations?personId=${ref(i * 13)}`,
  `/api/v1/claims?limit=50`,
][i % 5]!)

function load(seconds: number): { stop: () => void, done: Promise<{ p50: number, p99: number, requests: number, errors: number }> } {
  let instance: { stop: () => void }
  const done = new Promise<{ p50: number, p99: number, requests: number, errors: number }>((resolve, reject) => {
    instance = autocannon({ url: base, connections: 4, overallRate: rate, duration: seconds, headers, requests: paths.map(path => ({ method: 'GET', path })) },
      (error, result) => error ? reject(error) : resolve({ p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, errors: result.errors + result.non2xx }))
  })
  return { stop: () => instance.stop(), done }
}

/** fetch, once more on a reset: undici may reuse a keep-alive socket the server just closed. */
async function call(path: string, init: RequestInit = {}): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (await fetch(`${base}${path}`, { ...init, headers })).json()
    }
    catch (error) {
      if (attempt > 0) throw error
    }
  }
}

async function recompute(): Promise<{ jobId: number }> {
  return call('/api/v1/correlations/recompute', { method: 'POST', body: '{}' })
}

async function waitForJob(jobId: number): Promise<{ durationMs: number, result: Record<string, number> }> {
  for (;;) {
    const job = await call(`/api/v1/jobs/${jobId}`) as { status: string, durationMs: number, result: Record<string, number>, error: string }
    if (job.status === 'succeeded') return job
    if (job.status === 'failed') throw new Error(`recompute failed: ${job.error}`)
    await new Promise(r => setTimeout(r, 200))
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// Warm up (prepared statements, page cache), then alternate idle and busy phases.
await load(3).done
const rounds: { idle: number, busy: number, recomputeMs: number }[] = []
let last: Record<string, number> = {}
for (let round = 1; round <= Number(values.rounds); round++) {
  const idle = await load(Number(values.idle)).done
  const { jobId } = await recompute()
  const during = load(600)
  const job = await waitForJob(jobId)
  during.stop()
  const busy = await during.done
  last = job.result
  rounds.push({ idle: idle.p99, busy: busy.p99, recomputeMs: job.durationMs })
  console.info(`[measure] round ${round}: idle p50 ${idle.p50} ms p99 ${idle.p99} ms (${idle.requests} req, ${idle.errors} errors); `
    + `during recompute p50 ${busy.p50} ms p99 ${busy.p99} ms (${busy.requests} req, ${busy.errors} errors); recompute ${(job.durationMs / 1000).toFixed(1)} s`)
}
const alone = await waitForJob((await recompute()).jobId)
const idleP99 = median(rounds.map(r => r.idle))
const busyP99 = median(rounds.map(r => r.busy))
console.info(`[measure] ${last.people} people, ${last.tests} tests, ${last.significant} significant`)
console.info(`[measure] recompute of everyone: ${(median(rounds.map(r => r.recomputeMs)) / 1000).toFixed(1)} s under load (median), ${(alone.durationMs / 1000).toFixed(1)} s alone`)
console.info(`[measure] API p99 at ${rate} req/s: idle ${idleP99} ms, during recompute ${busyP99} ms (medians); ratio ${(busyP99 / idleP99).toFixed(2)} (goal: within 2)`)
server.kill('SIGTERM')
process.exit(0)

// `npm run bench [-- --only NAME[,NAME]] [--list] [--duration S] [--warmup S]`: the benchmark
// harness (PERFORMANCE_TUNING.md, "Benchmarks"). Builds or reuses bench/bench.db (a million
// claims), builds the app if needed, serves it pinned to one core, drives it from the other with
// autocannon, and writes bench/results/<time>.json and .md (and latest.md). Reports, never asserts.
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { closeDatabase, initDatabase, isDatabaseOpen, useConnection } from '../../server/database/client.ts'
import { ensureBuilt, PROJECT_ROOT } from '../lib/build.ts'
import { ensureBenchDatabase, mixFacts } from './lib/bench-db.ts'
import type { BenchContext, Scenario } from './lib/context.ts'
import { runLoad } from './lib/load.ts'
import { detectPinning, machineInfo, pinSelf } from './lib/machine.ts'
import { writeReport, type BenchReport, type ScenarioResult } from './lib/report.ts'
import { startPortal, type RunningServer } from './lib/server.ts'
import { cacheReplay } from './scenarios/cache-replay.ts'
import { cacheStack } from './scenarios/cache-stack.ts'
import { depth } from './scenarios/depth.ts'
import { endpoints } from './scenarios/endpoints.ts'
import { ingest } from './scenarios/ingest.ts'
import { measurementCost } from './scenarios/measurement-cost.ts'
import { physical } from './scenarios/physical.ts'
import { queryLayer } from './scenarios/query-layer.ts'
import { readers } from './scenarios/readers.ts'
import { recompute } from './scenarios/recompute.ts'

// In-process scenarios first (the server is idle), ingest last (it stops the shared server).
const SCENARIOS: Scenario[] = [queryLayer, readers, depth, endpoints, physical, cacheStack, cacheReplay, measurementCost, recompute, ingest]

/** The bench database's own admin key, made by the server at start (NUXT_BOOTSTRAP_ADMIN_KEY). */
const ADMIN_KEY = 'ap_bench-local-admin-key-not-a-secret-0123456789'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    list: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    db: { type: 'string' },
  },
})

if (values.list) {
  for (const s of SCENARIOS) console.info(`${s.name.padEnd(13)} ${s.summary}`)
  process.exit(0)
}

const wanted = values.only?.split(',').map(s => s.trim()).filter(Boolean)
const unknown = wanted?.filter(name => !SCENARIOS.some(s => s.name === name)) ?? []
if (unknown.length) {
  console.error(`Unknown scenario ${unknown.join(', ')}; one of: ${SCENARIOS.map(s => s.name).join(', ')}`)
  process.exit(2)
}
const durationS = Number(values.duration)
const warmupS = Number(values.warmup)
if (!(durationS > 0) || !(warmupS >= 0)) {
  console.error('--duration must be a positive number of seconds and --warmup zero or more')
  process.exit(2)
}
const scenarios = SCENARIOS.filter(s => !wanted || wanted.includes(s.name))

const startedAt = new Date().toISOString()
const pinning = detectPinning()
const machine = machineInfo(pinning)
if (!pinning.enabled) console.warn(`[bench] note: ${pinning.description}`)

const benchDir = join(PROJECT_ROOT, 'bench')
mkdirSync(benchDir, { recursive: true })
const db = ensureBenchDatabase(resolve(values.db ?? join(benchDir, 'bench.db')))
const factsDb = new Database(db.path, { readonly: true })
const facts = mixFacts(factsDb)
factsDb.close()
ensureBuilt()
// After the build (which may use every core): from here on this process is load and measurement.
pinSelf(pinning)

let portal: RunningServer | undefined
const ctx: BenchContext = {
  pinning,
  db,
  facts,
  adminKey: ADMIN_KEY,
  durationS,
  warmupS,
  benchDir,
  connection() {
    if (!isDatabaseOpen() || useConnection().path !== db.path) initDatabase(db.path)
    return useConnection()
  },
  async portal() {
    portal ??= await startPortal(pinning, db.path, ADMIN_KEY)
    return portal
  },
  async stopPortal() {
    await portal?.stop()
    portal = undefined
  },
  async load(options) {
    const origin = options.origin ?? (await ctx.portal()).origin
    return runLoad(pinning, {
      origin,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      connections: options.connections ?? 1,
      durationS: options.durationS ?? durationS,
      warmupS: options.warmupS ?? warmupS,
      source: options.source,
      countCacheHits: options.countCacheHits ?? true,
      revalidate: options.revalidate,
      amount: options.amount,
      cacheDetail: options.cacheDetail,
    })
  },
  log(message) {
    console.info(`[bench] ${message}`)
  },
}

const results: ScenarioResult[] = []
let failures = 0
try {
  for (const scenario of scenarios) {
    const started = performance.now()
    console.info(`[bench] ${scenario.name}: ${scenario.summary}`)
    try {
      results.push(await scenario.run(ctx))
    }
    catch (error) {
      // One broken scenario must not cost the figures of the others: report it and go on.
      failures++
      console.error(`[bench] ${scenario.name} failed:`, error)
      results.push({ name: scenario.name, title: scenario.title, columns: ['error'], rows: [[String((error as Error).message).split('\n')[0]!]], targets: [], notes: [], data: {} })
      await ctx.stopPortal()
    }
    console.info(`[bench] ${scenario.name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  }
}
finally {
  await ctx.stopPortal()
  closeDatabase()
  rmSync(join(benchDir, 'ingest.db'), { force: true })
}

const report: BenchReport = {
  startedAt,
  finishedAt: new Date().toISOString(),
  machine,
  database: {
    description: `${db.claims.toLocaleString('en-US')} claims (${db.seed.people} people, ${db.seed.days} days to ${db.seed.end}, seed ${db.seed.seed}; ${Math.round(db.fileMiB)} MiB, ${db.reused ? 'reused' : `seeded in ${db.seedSeconds.toFixed(0)} s`})`,
    path: db.path,
    seed: db.seed,
    claims: db.claims,
  },
  scenarios: results,
}
const written = writeReport(report, join(benchDir, 'results'))
console.info(`\n${written.markdown}`)
console.info(`[bench] wrote ${written.json} and ${written.md}`)
if (failures) {
  console.error(`[bench] ${failures} scenario(s) failed; see above`)
  process.exitCode = 1
}

// `npm run soak [-- --minutes 10 --rate 100 --connections 16]`: the portal mix (portal-mix.ts) at a
// moderate, steady rate for many minutes, on a fresh demo database and the built server, reading
// the server's memory from its own /metrics every few seconds. Prints, per minute, the resident
// set at the minute's end and the lowest heap in use seen during it (the heap after its
// collections: a single reading mostly measures how long ago the last one ran), and the growth of
// both from the end of the first minute (the warm-up: caches filling, code compiled) to the end.
// Exits 1 when either grew by GROWTH_LIMIT or more, or on any error answer (as `npm run load`).
import { parseArgs } from 'node:util'
import { ensureBuilt } from '../lib/build.ts'
import { startLoad } from './lib/load.ts'
import { detectPinning, pinSelf } from './lib/machine.ts'
import { ADMIN_KEY, answerCount, loadProblems, reportVerdict, preparePortalDatabase, routeTable, startLoadPortal } from './lib/portal-run.ts'

/** The goal: under 10 % growth after the warm-up. */
const GROWTH_LIMIT = 0.10

const { values } = parseArgs({
  options: {
    'minutes': { type: 'string', default: '10' },
    'rate': { type: 'string', default: '100' },
    'connections': { type: 'string', default: '16' },
    'sample-seconds': { type: 'string', default: '5' },
  },
})
const minutes = Number(values.minutes)
const rate = Number(values.rate)
const connections = Number(values.connections)
const sampleS = Number(values['sample-seconds'])
if (!(Number.isInteger(minutes) && minutes >= 2) || !(rate > 0) || !(connections >= 1) || !(sampleS > 0 && sampleS <= 60)) {
  console.error('--minutes must be a whole number, 2 or more (the first is the warm-up), --rate and --connections positive, --sample-seconds 1 to 60')
  process.exit(2)
}

interface Sample { at: number, rss: number, heap: number }

/** The two gauges from the Prometheus text (prom-client's default process metrics). */
function memoryOf(text: string): { rss: number, heap: number } {
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? Number.NaN)
  return { rss: gauge('process_resident_memory_bytes'), heap: gauge('nodejs_heap_size_used_bytes') }
}

ensureBuilt()
const pinning = detectPinning()
pinSelf(pinning)
const db = preparePortalDatabase(connections, 0)
const portal = await startLoadPortal(pinning, db)
const samples: Sample[] = []
let failed = true
try {
  console.info(`[soak] ${minutes} minutes of the portal mix at ${rate} requests/s over ${connections} connections; memory read every ${sampleS} s`)
  const startedAt = Date.now()
  const load = startLoad(pinning, {
    origin: portal.origin,
    headers: {},
    connections,
    durationS: minutes * 60,
    warmupS: 0,
    source: { kind: 'portal', mix: { facts: db.facts, credentials: db.credentials, seed: 2 } },
    countCacheHits: true,
    revalidate: false,
    rate,
  })
  const sampler = setInterval(async () => {
    try {
      const res = await fetch(`${portal.origin}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
      const { rss, heap } = memoryOf(await res.text())
      if (Number.isFinite(rss) && Number.isFinite(heap)) samples.push({ at: Date.now() - startedAt, rss, heap })
    }
    catch (error) {
      console.warn(`[soak] could not read /metrics: ${(error as Error).message}`)
    }
  }, sampleS * 1000)
  const result = await load.done
  clearInterval(sampler)

  const mib = (n: number) => (n / 1048576).toFixed(1)
  const perMinute = Array.from({ length: minutes }, (_, m) => {
    const inMinute = samples.filter(s => s.at >= m * 60_000 && s.at < (m + 1) * 60_000)
    return inMinute.length ? { minute: m + 1, rss: inMinute[inMinute.length - 1]!.rss, heap: Math.min(...inMinute.map(s => s.heap)), heapMax: Math.max(...inMinute.map(s => s.heap)) } : undefined
  })
  console.info('\nminute  RSS MiB  heap used MiB (lowest)  heap used MiB (highest)')
  for (const row of perMinute) if (row) console.info(`${String(row.minute).padStart(6)}  ${mib(row.rss).padStart(7)}  ${mib(row.heap).padStart(22)}  ${mib(row.heapMax).padStart(23)}`)
  const first = perMinute[0]
  const last = perMinute[minutes - 1]
  const problems = loadProblems(result)
  console.info(`\n${routeTable(result)}\n`)
  if (!first || !last) {
    problems.push('no memory readings for the first or the last minute')
  }
  else {
    const rssGrowth = last.rss / first.rss - 1
    const heapGrowth = last.heap / first.heap - 1
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`
    console.info(`[soak] growth from the end of minute 1 to the end of minute ${minutes}: RSS ${mib(first.rss)} → ${mib(last.rss)} MiB (${pct(rssGrowth)}), heap ${mib(first.heap)} → ${mib(last.heap)} MiB (${pct(heapGrowth)}); limit ${pct(GROWTH_LIMIT)}`)
    if (rssGrowth >= GROWTH_LIMIT) problems.push(`RSS grew ${pct(rssGrowth)}`)
    if (heapGrowth >= GROWTH_LIMIT) problems.push(`heap grew ${pct(heapGrowth)}`)
  }
  console.info(`[soak] ${answerCount(result).toLocaleString('en-US')} answers; 2xx p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms`)
  failed = reportVerdict('soak', problems, `memory grew less than ${(100 * GROWTH_LIMIT).toFixed(0)}% and nothing failed`)
}
finally {
  await portal.stop()
  db.remove()
}
process.exitCode = failed ? 1 : 0

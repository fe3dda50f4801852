// `npm run soak [-- --minutes 10 --warmup-minutes 1 --memory-limit 10 --rate 100 --connections 16]`: the portal mix (portal-mix.ts) at a
// moderate, steady rate for many minutes, on a fresh demo database and the built server, reading
// the server's memory every few seconds: the resident set and the heap from its own /metrics, and
// the resident set's two parts from /proc (where there is one): the process's own memory
// (RssAnon: heap, buffers, SQLite's page cache) and the database file's pages it has mapped
// (RssFile: SQLite's mmap, which grows with the file as ingests add rows and which the kernel can
// drop at will; no leak can live there). Prints, per minute, the readings at the minute's end and
// the lowest heap in use seen during it (the heap after its collections: a single reading mostly
// measures how long ago the last one ran), and the growth from the end of the warm-up (caches
// filling, code compiled) to the end. Exits 1 when the heap or the process's own memory (the whole
// RSS without /proc) grew by --memory-limit percent or more, or on any error answer (as
// `npm run load`).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ensureBuilt } from '../lib/build.ts'
import { startLoad } from './lib/load.ts'
import { detectPinning, pinSelf } from './lib/machine.ts'
import { ADMIN_KEY, answerCount, loadProblems, reportVerdict, preparePortalDatabase, routeTable, startLoadPortal } from './lib/portal-run.ts'


const { values } = parseArgs({
  options: {
    'minutes': { type: 'string', default: '10' },
    'rate': { type: 'string', default: '100' },
    'connections': { type: 'string', default: '16' },
    'sample-seconds': { type: 'string', default: '5' },
    // Growth is read from the end of the warm-up. Over 10 minutes at 100 requests/s the process's
    // own memory rose for about 5 (SQLite's page caches, one per connection and reader thread, up
    // to 64 MiB each; the response cache's LRU, up to NUXT_CACHE_MAX_BYTES) and was flat after it.
    'warmup-minutes': { type: 'string', default: '1' },
    // `off` only reports the growth: a run shorter than the caches take to fill (CI's) cannot judge it.
    'memory-limit': { type: 'string', default: '10' },
  },
})
const minutes = Number(values.minutes)
const rate = Number(values.rate)
const connections = Number(values.connections)
const sampleS = Number(values['sample-seconds'])
const warmup = Number(values['warmup-minutes'])
const limit = values['memory-limit'] === 'off' ? undefined : Number(values['memory-limit']) / 100
if (!(Number.isInteger(minutes) && Number.isInteger(warmup) && warmup >= 1 && minutes > warmup) || !(rate > 0) || !(connections >= 1) || !(sampleS > 0 && sampleS <= 60) || (limit !== undefined && !(limit > 0))) {
  console.error('--minutes and --warmup-minutes must be whole numbers, the warm-up at least 1 and shorter than the run, --rate and --connections positive, --sample-seconds 1 to 60, --memory-limit a percentage or off')
  process.exit(2)
}

interface Sample { at: number, rss: number, heap: number, anon: number, file: number }

/** RssAnon and RssFile of a process, in bytes (NaN without /proc). */
function residentParts(pid: number): { anon: number, file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024
    return { anon: kib('RssAnon'), file: kib('RssFile') }
  }
  catch {
    return { anon: Number.NaN, file: Number.NaN }
  }
}

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
      if (Number.isFinite(rss) && Number.isFinite(heap)) samples.push({ at: Date.now() - startedAt, rss, heap, ...residentParts(portal.pid) })
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
    const end = inMinute[inMinute.length - 1]
    return end ? { minute: m + 1, rss: end.rss, anon: end.anon, file: end.file, heap: Math.min(...inMinute.map(s => s.heap)), heapMax: Math.max(...inMinute.map(s => s.heap)) } : undefined
  })
  console.info('\nminute  RSS MiB  own (RssAnon) MiB  mapped file (RssFile) MiB  heap used MiB (lowest)  heap used MiB (highest)')
  for (const row of perMinute) if (row) console.info(`${String(row.minute).padStart(6)}  ${mib(row.rss).padStart(7)}  ${mib(row.anon).padStart(17)}  ${mib(row.file).padStart(25)}  ${mib(row.heap).padStart(22)}  ${mib(row.heapMax).padStart(23)}`)
  const first = perMinute[warmup - 1]
  const last = perMinute[minutes - 1]
  const problems = loadProblems(result)
  console.info(`\n${routeTable(result)}\n`)
  if (!first || !last) {
    problems.push('no memory readings for the first or the last minute')
  }
  else {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`
    const growth = (name: string, from: number, to: number) => ({ name, value: to / from - 1, text: `${name} ${mib(from)} → ${mib(to)} MiB (${pct(to / from - 1)})` })
    const own = Number.isFinite(first.anon) ? growth('own memory (RssAnon)', first.anon, last.anon) : growth('RSS', first.rss, last.rss)
    const heap = growth('heap', first.heap, last.heap)
    const rss = growth('RSS', first.rss, last.rss)
    console.info(`[soak] growth from the end of minute ${warmup} to the end of minute ${minutes}: ${[rss, own, heap].filter((g, i) => i === 0 || g.name !== 'RSS').map(g => g.text).join(', ')}; ${limit === undefined ? 'no limit (--memory-limit off)' : `limit ${pct(limit)} on the ${own.name} and the heap`}`)
    if (limit !== undefined) for (const g of [own, heap]) if (g.value >= limit) problems.push(`${g.name} grew ${pct(g.value)}`)
  }
  console.info(`[soak] ${answerCount(result).toLocaleString('en-US')} answers; 2xx p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms`)
  failed = reportVerdict('soak', problems, limit === undefined ? 'nothing failed' : `memory grew less than ${(100 * limit).toFixed(0)}% and nothing failed`)
}
finally {
  await portal.stop()
  db.remove()
}
process.exitCode = failed ? 1 : 0

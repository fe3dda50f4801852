// The load generator's process (see load.ts): reads a LoadSpec on stdin, runs a warm-up and then
// the measured autocannon run, and prints a LoadResult as one JSON line. Latencies are kept per
// response and summarised here, because autocannon's own summary has no p95.
import { createRequire } from 'node:module'
import { NO_CACHE_HEADER, tallyCache } from './cache-tally.ts'
import type { LoadResult, LoadSpec } from './load.ts'
import { listSortOf, requestMix } from './mix.ts'
import { replayStream } from './replay.ts'
import { summarize } from './stats.ts'

type Headers = Record<string, string | string[]>
type Context = { path?: string }
interface AutocannonRequest {
  setupRequest?: (req: Record<string, unknown>, context: Context) => Record<string, unknown>
  onResponse?: (status: number, body: string, context: Context, headers: Headers) => void
}
interface AutocannonResult {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  stop(): void
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance

// autocannon is CommonJS without bundled types.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

// SIGUSR2 (load.ts startLoad().stop()) ends the run in progress early; autocannon then resolves
// with what it measured, and the answer is printed as usual.
let current: AutocannonInstance | undefined
let stopped = false
process.on('SIGUSR2', () => {
  stopped = true
  current?.stop()
})

async function readStdin(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) text += chunk
  return text
}

function pathStream(spec: LoadSpec): () => string {
  if (spec.source.kind === 'mix') return requestMix(spec.source.mix, spec.source.facts, spec.source.seed)
  if (spec.source.kind === 'replay') return replayStream(spec.source.facts, spec.source.replay)
  const paths = spec.source.paths
  let i = 0
  return () => paths[i++ % paths.length]!
}

async function run(spec: LoadSpec, next: () => string, durationS: number) {
  const latencies: number[] = []
  const latencyPaths: string[] = []
  // autocannon calls onResponse (which sees the connection's context) and then, synchronously,
  // emits 'response' with the duration: this carries the path from one to the other.
  let responded = ''
  let respondedCache = NO_CACHE_HEADER
  const latencyCache: string[] = []
  let cacheHits = 0
  let bytes = 0
  // A single fixed path needs no per-request hooks: the load generator then spends its core on
  // sending and parsing only, which matters against the bare server (physical-limit scenario).
  const fixed = spec.source.kind === 'paths' && spec.source.paths.length === 1 && !spec.countCacheHits && !spec.cacheDetail ? spec.source.paths[0]! : undefined
  if (fixed) responded = fixed
  const request: AutocannonRequest = {
    setupRequest: (req, context) => {
      const path = next()
      context.path = path
      return { ...req, path }
    },
    onResponse: (_status, _body, context, headers) => {
      responded = context.path ?? ''
      respondedCache = NO_CACHE_HEADER
      if (!spec.countCacheHits && !spec.cacheDetail) return
      for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() !== 'x-cache') continue
        respondedCache = String(value).toUpperCase()
        if (respondedCache.startsWith('HIT')) cacheHits++
      }
    },
  }
  const instance = autocannon({
    url: fixed ? spec.origin + fixed : spec.origin,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: durationS }),
    ...(spec.rate ? { overallRate: spec.rate } : {}),
    // A cache that honours the request's Cache-Control revalidates instead of answering from memory.
    headers: { ...(spec.revalidate === false ? {} : { 'cache-control': 'no-cache' }), ...spec.headers },
    ...(fixed ? {} : { requests: [request] }),
  })
  current = instance
  if (stopped) instance.stop()
  instance.on('response', (_client, status, resBytes, ms) => {
    if (status >= 200 && status < 300) {
      latencies.push(ms)
      latencyPaths.push(responded)
      if (spec.cacheDetail) latencyCache.push(respondedCache)
      bytes += resBytes
    }
  })
  const result = await instance
  return { result, latencies, latencyPaths, latencyCache, cacheHits, bytes }
}

const spec = JSON.parse(await readStdin()) as LoadSpec
const next = pathStream(spec)
// The warm-up draws from the same stream, so the measured requests do not repeat its requests.
if (spec.warmupS > 0 && !spec.amount && !stopped) await run(spec, next, spec.warmupS)
const cpuBefore = process.cpuUsage()
const started = performance.now()
const { result, latencies, latencyPaths, latencyCache, cacheHits, bytes } = await run(spec, next, spec.durationS)
const wallMs = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
const durationS = wallMs / 1000
const order = latencies.map((_, i) => i).sort((a, b) => latencies[b]! - latencies[a]!)
let bySort: Record<string, number[]> | undefined
if (spec.source.kind === 'mix' && spec.source.mix === 'list') {
  bySort = {}
  latencyPaths.forEach((path, i) => (bySort![listSortOf(path)] ??= []).push(latencies[i]!))
}
const answer: LoadResult = {
  requests: latencies.length,
  durationS,
  reqPerSec: latencies.length / durationS,
  latency: summarize(latencies),
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  cacheHits,
  distinctPaths: new Set(latencyPaths).size,
  bytesPerResponse: latencies.length ? bytes / latencies.length : 0,
  slowest: order.slice(0, 5).map(i => ({ path: latencyPaths[i]!, ms: latencies[i]! })),
  bySort: bySort && Object.fromEntries(Object.entries(bySort).map(([sort, ms]) => [sort, summarize(ms)])),
  generatorCpu: (cpu.user + cpu.system) / 1000 / wallMs,
  ...(spec.cacheDetail ? { cache: tallyCache(latencyPaths, latencyCache, latencies) } : {}),
}
process.stdout.write(`${JSON.stringify(answer)}\n`)

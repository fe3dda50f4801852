// The load generator's process (see load.ts): reads a LoadSpec on stdin, runs a warm-up and then
// the measured autocannon run, and prints a LoadResult as one JSON line. Latencies are kept per
// response and summarised here, because autocannon's own summary has no p95.
import { createRequire } from 'node:module'
import { NO_CACHE_HEADER, tallyCache } from './cache-tally.ts'
import type { LoadResult, LoadSpec, RouteTally } from './load.ts'
import { listSortOf, requestMix } from './mix.ts'
import { portalMix, type MixRequest } from './portal-mix.ts'
import { replayStream } from './replay.ts'
import { summarize } from './stats.ts'

type Headers = Record<string, string | string[]>
type Context = { path?: string, route?: string, connection?: number }
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

/** Per route of the portal mix: statuses and latencies, and the 429s that were not meant to happen. */
class RouteCounts {
  private readonly statuses = new Map<string, Record<string, number>>()
  private readonly latencies = new Map<string, number[]>()
  private readonly hits = new Map<string, number>()
  unintended429 = 0
  missingRetryAfter = 0

  /** Counts one answer; true when it was a cache HIT. */
  answer(route: string, status: number, greedy: boolean, headers: Headers): boolean {
    let counts = this.statuses.get(route)
    if (!counts) this.statuses.set(route, counts = {})
    counts[status] = (counts[status] ?? 0) + 1
    let hit = false
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'x-cache' && String(value).toUpperCase().startsWith('HIT')) hit = true
    }
    if (hit) this.hits.set(route, (this.hits.get(route) ?? 0) + 1)
    if (status === 429) {
      if (!greedy) this.unintended429++
      if (!Object.keys(headers).some(name => name.toLowerCase() === 'retry-after')) this.missingRetryAfter++
    }
    return hit
  }

  latency(route: string, ms: number): void {
    let list = this.latencies.get(route)
    if (!list) this.latencies.set(route, list = [])
    list.push(ms)
  }

  result(): Record<string, RouteTally> {
    return Object.fromEntries([...this.statuses].map(([route, statuses]) => [route, { statuses, cacheHits: this.hits.get(route) ?? 0, latency: summarize(this.latencies.get(route) ?? []) }]))
  }
}

/** The portal mix's request for a connection, with its credentials. */
function portalRequest(spec: LoadSpec, next: () => MixRequest, req: Record<string, unknown>, context: Context, connection: number): Record<string, unknown> {
  if (spec.source.kind !== 'portal') throw new Error('not the portal mix')
  const { keys, adminKey, greedy } = spec.source.mix.credentials
  const r = next()
  context.route = r.route
  context.path = r.path
  const key = greedy && connection < greedy.connections ? greedy.key : keys[connection % keys.length]!
  const headers: Record<string, string> = { ...r.headers }
  if (r.as === 'key') headers.authorization = `Bearer ${key}`
  if (r.as === 'admin') headers.authorization = `Bearer ${adminKey}`
  return { ...req, method: r.method, path: r.path, headers, body: r.body }
}

function pathStream(spec: LoadSpec): () => string {
  if (spec.source.kind === 'portal') throw new Error('the portal mix is not a stream of paths')
  if (spec.source.kind === 'mix') return requestMix(spec.source.mix, spec.source.facts, spec.source.seed)
  if (spec.source.kind === 'replay') return replayStream(spec.source.facts, spec.source.replay)
  const paths = spec.source.paths
  let i = 0
  return () => paths[i++ % paths.length]!
}

async function run(spec: LoadSpec, next: () => string, nextPortal: (() => MixRequest) | undefined, routes: RouteCounts, durationS: number) {
  const latencies: number[] = []
  const latencyPaths: string[] = []
  // autocannon calls onResponse (which sees the connection's context) and then, synchronously,
  // emits 'response' with the duration: this carries the path from one to the other.
  let responded = ''
  let respondedCache = NO_CACHE_HEADER
  let respondedRoute = ''
  let connections = 0
  const latencyCache: string[] = []
  const timeline: [number, number, number][] = []
  let cacheHits = 0
  let bytes = 0
  // A single fixed path needs no per-request hooks: the load generator then spends its core on
  // sending and parsing only, which matters against the bare server (physical-limit scenario).
  const fixed = spec.source.kind === 'paths' && spec.source.paths.length === 1 && !spec.countCacheHits && !spec.cacheDetail ? spec.source.paths[0]! : undefined
  if (fixed) responded = fixed
  const greedyConnections = spec.source.kind === 'portal' ? spec.source.mix.credentials.greedy?.connections ?? 0 : 0
  const portal: AutocannonRequest | undefined = nextPortal && {
    setupRequest: (req, context) => {
      // autocannon resets a connection's context each time it loops over its requests (here at
      // every request), so the context cannot say which connection sends: requests are dealt to
      // the connections' keys in turn instead, so that each key gets 1/connections of them, and
      // the greedy client's share (its connections' worth) goes to its one key.
      context.connection = connections++ % spec.connections
      return portalRequest(spec, nextPortal, req, context, context.connection)
    },
    onResponse: (status, _body, context, headers) => {
      responded = context.path ?? ''
      respondedRoute = context.route ?? ''
      if (routes.answer(respondedRoute, status, (context.connection ?? 0) < greedyConnections, headers)) cacheHits++
    },
  }
  const request: AutocannonRequest = portal ?? {
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
    ...(spec.connectionRate ? { connectionRate: spec.connectionRate } : {}),
    // A cache that honours the request's Cache-Control revalidates instead of answering from memory.
    headers: { ...(spec.revalidate === false ? {} : { 'cache-control': 'no-cache' }), ...spec.headers },
    ...(fixed ? {} : { requests: [request] }),
  })
  current = instance
  if (stopped) instance.stop()
  instance.on('response', (_client, status, resBytes, ms) => {
    if (portal) routes.latency(respondedRoute, ms)
    if (spec.timeline) timeline.push([Date.now(), ms, status])
    if (status >= 200 && status < 300) {
      latencies.push(ms)
      latencyPaths.push(responded)
      if (spec.cacheDetail) latencyCache.push(respondedCache)
      bytes += resBytes
    }
  })
  const result = await instance
  return { result, latencies, latencyPaths, latencyCache, cacheHits, bytes, timeline }
}

const spec = JSON.parse(await readStdin()) as LoadSpec
const nextPortal = spec.source.kind === 'portal' ? portalMix(spec.source.mix) : undefined
const next = nextPortal ? () => '' : pathStream(spec)
// The warm-up draws from the same stream, so the measured requests do not repeat its requests.
if (spec.warmupS > 0 && !spec.amount && !stopped) await run(spec, next, nextPortal, new RouteCounts(), spec.warmupS)
const cpuBefore = process.cpuUsage()
const started = performance.now()
const routes = new RouteCounts()
const { result, latencies, latencyPaths, latencyCache, cacheHits, bytes, timeline } = await run(spec, next, nextPortal, routes, spec.durationS)
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
  ...(nextPortal ? { routes: routes.result(), unintended429: routes.unintended429, missingRetryAfter: routes.missingRetryAfter } : {}),
  ...(spec.timeline ? { timeline } : {}),
}
process.stdout.write(`${JSON.stringify(answer)}\n`)

// Drives the server with autocannon from a child process pinned to the load core, so the load
// generator never competes with the server for its core. The child (load-worker.ts) gets the
// spec on stdin and answers one JSON line.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pinned, type Pinning } from './machine.ts'
import type { MixFacts, MixName } from './mix.ts'
import type { PortalMixSpec } from './portal-mix.ts'
import type { ReplaySpec } from './replay.ts'
import type { LatencySummary } from './stats.ts'

export type RequestSource =
  | { kind: 'mix', mix: MixName, seed: number, facts: MixFacts }
  /** A fixed list of paths, taken in turn (round robin over all connections). */
  | { kind: 'paths', paths: string[] }
  /** The cache replay's Zipf-skewed trace over a catalogue of cacheable GETs (replay.ts). */
  | { kind: 'replay', facts: MixFacts, replay: ReplaySpec }
  /** The portal's whole traffic, reads and writes, each connection with its own key (portal-mix.ts). */
  | { kind: 'portal', mix: PortalMixSpec }

export interface LoadSpec {
  origin: string
  headers: Record<string, string>
  connections: number
  durationS: number
  warmupS: number
  source: RequestSource
  /** Count `X-Cache: HIT` answers (reading every response's headers costs the generator CPU). */
  countCacheHits: boolean
  /** Send `Cache-Control: no-cache` (default true: the uncached scenarios); false for the cache's own scenarios. */
  revalidate?: boolean
  /** Send exactly this many requests (the warm-up and the duration are then ignored). */
  amount?: number
  /** Keep X-Cache per response: counts and latencies by status and by endpoint (CacheDetail). */
  cacheDetail?: boolean
  /** Requests a second over all connections (autocannon overallRate); unset: as fast as answered. */
  rate?: number
  /** Requests a second per connection at most (autocannon connectionRate). */
  connectionRate?: number
  /** Keep every response's end time, latency and status (LoadResult.timeline). */
  timeline?: boolean
}

/** Answers of one route of the portal mix: counts by HTTP status, and latencies of all of them. */
export interface RouteTally {
  statuses: Record<string, number>
  /** Answers that said `X-Cache: HIT`. */
  cacheHits: number
  latency: LatencySummary
}

/** Responses counted by X-Cache (`none` when absent), with their latencies. */
export interface CacheTally {
  statuses: Record<string, number>
  latency: LatencySummary
}

export interface CacheDetail {
  all: CacheTally
  /** By endpoint (replay.ts pathKind). */
  byKind: Record<string, CacheTally>
  /** Latencies of the answers of each X-Cache status. */
  byStatus: Record<string, LatencySummary>
  /** The same counts over the second half of the responses, once the cache has filled. */
  secondHalf: Record<string, number>
}

export interface LoadResult {
  requests: number
  durationS: number
  reqPerSec: number
  /** Milliseconds, over the 2xx responses of the measured run (the warm-up is discarded). */
  latency: LatencySummary
  non2xx: number
  errors: number
  timeouts: number
  /** Responses that said `X-Cache: HIT`: a cached answer is not the uncached figure we want. */
  cacheHits: number
  /** Distinct paths among the 2xx responses. */
  distinctPaths: number
  bytesPerResponse: number
  /** The slowest 2xx requests of the measured run. */
  slowest: { path: string, ms: number }[]
  /** For the list mix: latencies by the sort each request asked for. */
  bySort?: Record<string, LatencySummary>
  /** CPU the load generator used, as a share of its one core: near 1 means it, not the server, was the limit. */
  generatorCpu: number
  cache?: CacheDetail
  /** For the portal mix: answers per route, whatever their status. */
  routes?: Record<string, RouteTally>
  /** For the portal mix: 429s that were not the greedy client's, and 429s without Retry-After. */
  unintended429?: number
  missingRetryAfter?: number
  /** With spec.timeline: [end (epoch ms), latency (ms), status] of every response of the measured run. */
  timeline?: [number, number, number][]
}

const WORKER = join(import.meta.dirname, 'load-worker.ts')

export function runLoad(pinning: Pinning, spec: LoadSpec): Promise<LoadResult> {
  return startLoad(pinning, spec).done
}

export interface RunningLoad {
  /** Ends the measured run early (SIGUSR2 to the worker); `done` then answers what it measured so far. */
  stop(): void
  done: Promise<LoadResult>
}

/** A load that runs until its duration ends or until stopped: for a phase whose length is an event's (a job's run). */
export function startLoad(pinning: Pinning, spec: LoadSpec): RunningLoad {
  const [command, args] = pinned(pinning, pinning.loadCore, process.execPath, [WORKER])
  // taskset execs the command, so this pid is the worker's own.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stdin.end(JSON.stringify(spec))
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`load worker exited with ${code}: ${out.slice(-500)}`))
      resolve(JSON.parse(line) as LoadResult)
    })
  })
  return {
    stop() {
      if (child.exitCode === null) child.kill('SIGUSR2')
    },
    done,
  }
}

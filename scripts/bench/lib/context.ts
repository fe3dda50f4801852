// What every scenario gets from the harness (index.ts), and what it gives back.
import type { Connection } from '../../../server/database/connection.ts'
import type { BenchDatabase } from './bench-db.ts'
import type { LoadResult, RequestSource } from './load.ts'
import type { Pinning } from './machine.ts'
import type { MixFacts } from './mix.ts'
import type { ScenarioResult } from './report.ts'
import type { RunningServer } from './server.ts'

export interface LoadOptions {
  source: RequestSource
  /** Concurrent connections (default 1: the latency of a request that waits behind no other). */
  connections?: number
  durationS?: number
  warmupS?: number
  /** Default true; the bare server of the physical-limit scenario has no cache to count. */
  countCacheHits?: boolean
  origin?: string
  /** Send `Cache-Control: no-cache` (default true); the cache scenarios send none. */
  revalidate?: boolean
  /** Exactly this many requests instead of a duration (a replay of a fixed trace). */
  amount?: number
  /** X-Cache counts and latencies per status and endpoint (LoadResult.cache). */
  cacheDetail?: boolean
}

export interface BenchContext {
  pinning: Pinning
  db: BenchDatabase
  facts: MixFacts
  adminKey: string
  /** Seconds of measured load per endpoint, after warmupS of discarded warm-up. */
  durationS: number
  warmupS: number
  /** Where scenarios may put scratch databases (git-ignored as bench/*.db*). */
  benchDir: string
  /** This process's connection to the bench database (initDatabase: the services use it too). */
  connection(): Connection
  /** The portal on the bench database, started on first use and shared by the scenarios. */
  portal(): Promise<RunningServer>
  stopPortal(): Promise<void>
  /** autocannon against the shared portal (or `origin`), with the admin key. */
  load(options: LoadOptions): Promise<LoadResult>
  log(message: string): void
}

export interface Scenario {
  name: string
  title: string
  /** One line for --list. */
  summary: string
  run(ctx: BenchContext): Promise<ScenarioResult>
}

// Alternating short rounds against several servers, for the scenarios that compare servers under
// the same load: a burst of other work on the shared machine then hits every side alike, and the
// median round of each side is its figure.
import type { BenchContext, LoadOptions } from './context.ts'
import type { RunningServer } from './server.ts'
import { median } from './stats.ts'

export interface Round {
  reqPerSec: number
  p50: number
  p95: number
  p99: number
  bytesPerResponse: number
  /** CPU the server used during the round, as a share of its one core. */
  serverCpu: number
  generatorCpu: number
  failed: number
}

export interface Side {
  label: string
  server: RunningServer
  options: LoadOptions
}

async function measure(ctx: BenchContext, side: Side, durationS: number): Promise<Round> {
  const cpuBefore = side.server.cpuMs()
  const started = performance.now()
  const load = await ctx.load({ ...side.options, origin: side.server.origin, durationS, warmupS: 0 })
  const serverCpu = (side.server.cpuMs() - cpuBefore) / (performance.now() - started)
  return {
    reqPerSec: load.reqPerSec,
    p50: load.latency.p50,
    p95: load.latency.p95,
    p99: load.latency.p99,
    bytesPerResponse: load.bytesPerResponse,
    serverCpu,
    generatorCpu: load.generatorCpu,
    failed: load.non2xx + load.errors,
  }
}

/** Server CPU per answered request, in microseconds: unlike req/s, it does not depend on how much of its core the shared machine left the server. */
export function cpuPerRequestUs(r: Round): number {
  return r.reqPerSec > 0 ? (r.serverCpu * 1e6) / r.reqPerSec : Number.NaN
}

/** The median of each figure over the rounds. */
export function medianRound(rounds: readonly Round[]): Round {
  const of = (k: keyof Round) => median(rounds.map(r => r[k]))
  return {
    reqPerSec: of('reqPerSec'), p50: of('p50'), p95: of('p95'), p99: of('p99'), bytesPerResponse: of('bytesPerResponse'),
    serverCpu: of('serverCpu'), generatorCpu: of('generatorCpu'), failed: rounds.reduce((n, r) => n + r.failed, 0),
  }
}

/**
 * The median over the rounds of a[r] ÷ b[r] for one figure. Rounds of two sides run back to back,
 * so each pair saw about the same machine: steadier on a shared machine than a ratio of medians.
 */
export function pairedRatio(a: readonly Round[], b: readonly Round[], figure: (r: Round) => number): number {
  const ratios = a.map((r, i) => (b[i] ? figure(r) / figure(b[i]!) : Number.NaN)).filter(Number.isFinite)
  return ratios.length ? median(ratios) : Number.NaN
}

/** The order of the sides in round r: forwards on even rounds, backwards on odd ones, so no side always goes first. */
export function roundOrder(sides: number, round: number): number[] {
  const order = Array.from({ length: sides }, (_, i) => i)
  return round % 2 === 0 ? order : order.reverse()
}

/** A warm-up per side, then `rounds` alternating rounds; every round of every side, by side. */
export async function alternateRounds(ctx: BenchContext, name: string, sides: readonly Side[], rounds: number, durationS: number): Promise<Round[][]> {
  if (ctx.warmupS > 0) {
    ctx.log(`${name}: warm-up`)
    for (const side of sides) await ctx.load({ ...side.options, origin: side.server.origin, durationS: ctx.warmupS, warmupS: 0 })
  }
  const out: Round[][] = sides.map(() => [])
  for (let r = 0; r < rounds; r++) {
    ctx.log(`${name}: round ${r + 1} of ${rounds}`)
    for (const i of roundOrder(sides.length, r)) out[i]!.push(await measure(ctx, sides[i]!, durationS))
  }
  return out
}

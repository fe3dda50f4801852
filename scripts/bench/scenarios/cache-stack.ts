// A cached answer through the whole stack against the same bytes with nothing of ours in the way.
// Three servers answer the same body under the same autocannon load: the portal's
// GET /api/v1/claims/metrics (request id, auth, zod, cache key, cache HIT, X-Cache/ETag headers,
// measurements), a bare Nitro route in the same built app (the benchmark fixture
// server/plugins/bench-routes.ts, on only with NUXT_BENCH_ROUTES=true) and a bare node:http
// server. Whole stack ÷ bare Nitro is what our layers cost on the hot path.
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAnswer, primeCached, cacheCounts } from '../lib/admin.ts'
import { countsDelta } from '../lib/cache-tally.ts'
import type { BenchContext, LoadOptions, Scenario } from '../lib/context.ts'
import { addDays } from '../lib/mix.ts'
import { checkTarget, fmtInt, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { alternateRounds, cpuPerRequestUs, medianRound, pairedRatio, type Round, type Side } from '../lib/rounds.ts'
import { startPortal, startProcess, type RunningServer } from '../lib/server.ts'
import { median, ratio } from '../lib/stats.ts'
import { stackPieces } from './cache-stack-pieces.ts'

/** Whole stack at least this share of the bare Nitro route's requests a second (issue 4). */
export const STACK_TARGET = 0.8
const CONNECTIONS = 10
const ROUNDS = 5
const BARE_SERVER = join(import.meta.dirname, '../lib/bare-server.ts')
const BENCH_ROUTE = '/_bench/static'

/** A dashboard's year of monthly figures: one fixed question, so every request after the first is a HIT. */
export function cachedPath(lastDay: string): string {
  return `/api/v1/claims/metrics?groupBy=month&from=${addDays(lastDay, -364)}&to=${lastDay}`
}

export const cacheStack: Scenario = {
  name: 'cache-stack',
  title: 'Cached endpoint through the whole stack against a bare Nitro route and bare node:http',
  summary: 'a cache HIT of GET /claims/metrics against a bare Nitro route and node:http serving the same bytes',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const path = cachedPath(ctx.facts.lastDay)
    const shared = await ctx.portal()
    const hit = await primeCached(shared.origin, path, ctx.adminKey)
    const answerFile = join(tmpdir(), `bench-cache-stack-${process.pid}.json`)
    writeFileSync(answerFile, JSON.stringify({ contentType: hit.contentType, body: hit.body }))
    // The shared portal sits idle meanwhile; this one serves both the API and the fixture route.
    const servers: RunningServer[] = []
    try {
      const portal = await startPortal(ctx.pinning, ctx.db.path, ctx.adminKey, { NUXT_BENCH_ROUTES: 'true', NUXT_BENCH_STATIC_FILE: answerFile })
      servers.push(portal)
      const bare = await startProcess(ctx.pinning, BARE_SERVER, [answerFile], {}, '/')
      servers.push(bare)
      const viaStack = await primeCached(portal.origin, path, ctx.adminKey)
      const viaNitro = await getAnswer(portal.origin, BENCH_ROUTE)
      const viaNode = await getAnswer(bare.origin, path)
      for (const [label, a] of [['whole stack', viaStack], ['bare Nitro', viaNitro], ['node:http', viaNode]] as const) {
        if (a.status !== 200 || a.body !== hit.body) throw new Error(`${label} did not answer the same bytes (status ${a.status}, ${a.body.length} bytes)`)
      }

      // One fixed path each, no per-response hooks: the generator does the same work for all three
      // (the HITs are checked from the server's own counters instead of X-Cache).
      const load = (p: string): LoadOptions => ({ connections: CONNECTIONS, countCacheHits: false, revalidate: false, source: { kind: 'paths', paths: [p] } })
      const sides: Side[] = [
        { label: 'bare node:http, same bytes', server: bare, options: load(path) },
        { label: `bare Nitro route (${BENCH_ROUTE}), same bytes`, server: portal, options: load(BENCH_ROUTE) },
        { label: 'whole stack: GET /api/v1/claims/metrics, cache HIT', server: portal, options: load(path) },
      ]
      const durationS = Math.max(2, Math.round((2 * ctx.durationS) / ROUNDS))
      const before = await cacheCounts(portal.origin, ctx.adminKey)
      const rounds = await alternateRounds(ctx, this.name, sides, ROUNDS, durationS)
      const counted = countsDelta(before, await cacheCounts(portal.origin, ctx.adminKey))
      const [node, nitro, stack] = rounds.map(medianRound) as [Round, Round, Round]
      const paired = pairedRatio(rounds[2]!, rounds[1]!, r => r.reqPerSec)
      ctx.log(`${this.name}: the stack's own steps, in process`)
      const pieces = await stackPieces(ctx)

      // CPU per request from the median rounds of each side (the rounds' own µs/request vary less than their req/s).
      const cpu = rounds.map(rs => median(rs.map(cpuPerRequestUs)))
      const row = (label: string, r: Round, i: number) => [label, fmtInt(r.reqPerSec), fmtMs(r.p50), fmtMs(r.p95), fmtMs(r.p99), fmtInt(r.bytesPerResponse), `${cpu[i]!.toFixed(0)} µs`, `${Math.round(100 * r.serverCpu)}%`, `${Math.round(100 * r.generatorCpu)}%`]
      const ratios = (label: string, a: Round, b: Round, ia: number, ib: number) => [label, fmtRatio(ratio(a.reqPerSec, b.reqPerSec)), fmtRatio(ratio(a.p50, b.p50)), fmtRatio(ratio(a.p95, b.p95)), fmtRatio(ratio(a.p99, b.p99)), '', fmtRatio(ratio(cpu[ia]!, cpu[ib]!)), '', '']
      const notes = [
        `${CONNECTIONS} connections; ${ROUNDS} alternating rounds of ${durationS} s per server after ${ctx.warmupS} s of warm-up each; medians of the rounds `
        + `(req/s per round: ${sides.map((s, i) => `${s.label.split(',')[0]} ${rounds[i]!.map(r => fmtInt(r.reqPerSec)).join(', ')}`).join('; ')}).`,
        `The question: \`${path}\`, ${fmtInt(hit.body.length)} bytes of JSON; the three servers send the same body (checked before the load). `
        + 'The bare Nitro route is the benchmark fixture of `server/plugins/bench-routes.ts` in the same built app and process as the whole stack, '
        + 'so it passes through the same Nitro app (its global measurement wrapper included) but through none of our middleware, validation or cache.',
        `The server counted ${fmtInt(counted.hits)} hits, ${fmtInt(counted.staleHits)} stale hits and ${fmtInt(counted.misses)} misses during the rounds: every whole-stack answer came from the cache.`,
        `Whole stack ÷ bare Nitro per pair of back-to-back rounds, median: ${fmtRatio(paired)} (the req/s target's figure; the ratio rows divide the medians of each side).`,
        '`in process` rows: steps only the whole stack takes, timed alone in the bench process (median of alternating batches, on the load core), '
        + 'to say where the difference goes; inside the loaded server each costs more (shared caches, allocation, GC), so they add up to less than the CPU-per-request gap.',
        'Ratio rows: req/s ratio (higher is better for the first), latency and CPU-per-request ratios (lower is better for the first). '
        + '`server CPU/req` is the server process\'s CPU time (from /proc) over the requests it answered, median of the rounds: on this shared machine '
        + 'a server often gets only part of its core, which moves req/s from round to round but not the CPU each request costs.',
      ]
      const failed = rounds.flat().reduce((n, r) => n + r.failed, 0)
      if (failed) notes.push(`${failed} non-2xx answers or errors, excluded from the latencies.`)
      return {
        name: this.name,
        title: this.title,
        columns: ['server', 'req/s', 'median', 'p95', 'p99', 'bytes/resp', 'server CPU/req', 'server CPU', 'load-gen CPU'],
        rows: [
          row(sides[0]!.label, node, 0),
          row(sides[1]!.label, nitro, 1),
          row(sides[2]!.label, stack, 2),
          ratios('whole stack ÷ bare Nitro', stack, nitro, 2, 1),
          ratios('whole stack ÷ node:http', stack, node, 2, 0),
          ratios('bare Nitro ÷ node:http', nitro, node, 1, 0),
          ...pieces.map(p => [`  in process: ${p.label}`, '', '', '', '', '', fmtMs(p.ms), '', '']),
        ],
        targets: [
          checkTarget('whole stack ÷ bare Nitro route, req/s, median of paired rounds (cached GET /claims/metrics)', paired, '>=', STACK_TARGET, fmtRatio),
          // The same comparison by server CPU per request (bare ÷ stack): what req/s would give on a quiet machine.
          checkTarget('bare Nitro ÷ whole stack, server CPU per request', ratio(cpu[1]!, cpu[2]!), '>=', STACK_TARGET, fmtRatio),
        ],
        notes,
        data: { path, bodyBytes: hit.body.length, rounds: Object.fromEntries(sides.map((s, i) => [s.label, rounds[i]])), cpuPerRequestUs: cpu, pairedReqPerSecRatio: paired, pieces, serverCounted: counted },
      }
    }
    finally {
      for (const s of servers) await s.stop()
      rmSync(answerFile, { force: true })
    }
  },
}

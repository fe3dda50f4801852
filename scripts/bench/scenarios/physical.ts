// The physical limit: how close the portal's cheapest endpoint (GET /api/v1/claims/:id: auth,
// zod, two primary-key reads, JSON) comes to a bare node:http server answering the same bytes,
// under the same autocannon load (several connections, so both servers are saturated).
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchContext, LoadOptions, Scenario } from '../lib/context.ts'
import type { LoadResult } from '../lib/load.ts'
import { fmtInt, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { startProcess, type RunningServer } from '../lib/server.ts'
import { median, ratio } from '../lib/stats.ts'

const CONNECTIONS = 10
const BARE_SERVER = join(import.meta.dirname, '../lib/bare-server.ts')

/** Alternating short rounds, so a burst of other work on the shared machine hits both servers alike. */
const ROUNDS = 3

interface Round {
  reqPerSec: number
  p50: number
  p95: number
  bytesPerResponse: number
  serverCpu: number
  generatorCpu: number
}

/** One measured round, with the CPU the server used during it as a share of its one core. */
async function round(ctx: BenchContext, server: RunningServer, options: LoadOptions, durationS: number): Promise<Round> {
  const cpuBefore = server.cpuMs()
  const started = performance.now()
  const load: LoadResult = await ctx.load({ ...options, durationS, warmupS: 0 })
  const serverCpu = (server.cpuMs() - cpuBefore) / (performance.now() - started)
  return { reqPerSec: load.reqPerSec, p50: load.latency.p50, p95: load.latency.p95, bytesPerResponse: load.bytesPerResponse, serverCpu, generatorCpu: load.generatorCpu }
}

/** The median of each figure over the rounds. */
function medianRound(rounds: Round[]): Round {
  const of = (k: keyof Round) => median(rounds.map(r => r[k]))
  return { reqPerSec: of('reqPerSec'), p50: of('p50'), p95: of('p95'), bytesPerResponse: of('bytesPerResponse'), serverCpu: of('serverCpu'), generatorCpu: of('generatorCpu') }
}

export const physical: Scenario = {
  name: 'physical',
  title: 'Physical limit: bare node:http against the portal',
  summary: 'a bare node:http server answering the bytes of GET /claims/:id against the portal, same load',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const portal = await ctx.portal()
    const id = ctx.facts.sample[0]!.id
    const res = await fetch(`${portal.origin}/api/v1/claims/${id}`, { headers: { authorization: `Bearer ${ctx.adminKey}` } })
    if (!res.ok) throw new Error(`GET /api/v1/claims/${id} answered ${res.status}`)
    const answerFile = join(tmpdir(), `bench-bare-answer-${process.pid}.json`)
    writeFileSync(answerFile, JSON.stringify({ contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() }))

    const bare = await startProcess(ctx.pinning, BARE_SERVER, [answerFile], {}, '/')
    const bareOptions: LoadOptions = { origin: bare.origin, connections: CONNECTIONS, countCacheHits: false, source: { kind: 'paths', paths: [`/api/v1/claims/${id}`] } }
    // The portal is asked for ids drawn at random, so nothing can come from a cache.
    const portalOptions: LoadOptions = { connections: CONNECTIONS, source: { kind: 'mix', mix: 'byId', seed: 99, facts: ctx.facts } }
    const durationS = Math.max(2, Math.round((2 * ctx.durationS) / ROUNDS))
    const bareRounds: Round[] = []
    const portalRounds: Round[] = []
    try {
      ctx.log('physical: warm-up')
      if (ctx.warmupS > 0) {
        await ctx.load({ ...bareOptions, durationS: ctx.warmupS, warmupS: 0 })
        await ctx.load({ ...portalOptions, durationS: ctx.warmupS, warmupS: 0 })
      }
      for (let r = 0; r < ROUNDS; r++) {
        ctx.log(`physical: round ${r + 1} of ${ROUNDS}, bare node:http then the portal`)
        bareRounds.push(await round(ctx, bare, bareOptions, durationS))
        portalRounds.push(await round(ctx, portal, { ...portalOptions, source: { ...portalOptions.source, seed: 99 + r } as LoadOptions['source'] }, durationS))
      }
    }
    finally {
      await bare.stop()
      rmSync(answerFile, { force: true })
    }
    const bareLoad = medianRound(bareRounds)
    const portalLoad = medianRound(portalRounds)

    const row = (label: string, l: Round) => [label, fmtInt(l.reqPerSec), fmtMs(l.p50), fmtMs(l.p95),
      fmtInt(l.bytesPerResponse), `${Math.round(100 * l.serverCpu)}%`, `${Math.round(100 * l.generatorCpu)}%`]
    const notes = [
      `${CONNECTIONS} connections; ${ROUNDS} alternating rounds of ${durationS} s per server after ${ctx.warmupS} s of warm-up each; medians of the rounds `
      + `(req/s per round: bare ${bareRounds.map(r => fmtInt(r.reqPerSec)).join(', ')}; portal ${portalRounds.map(r => fmtInt(r.reqPerSec)).join(', ')}).`,
      'CPU columns: the share of one core the server and the load generator used. Well under 100% for both means other work on the shared machine took the rest.',
      'The bare server answers the body the portal gave for one claim; the portal is asked for random claims (same size within a few bytes), uncached.',
    ]
    if (bareLoad.generatorCpu > 0.85) {
      notes.push(`The load generator used ${Math.round(100 * bareLoad.generatorCpu)}% of its core against the bare server, so the bare figure may be a floor: `
        + 'near that point the limit is autocannon on one core, not node:http.')
    }
    return {
      name: this.name,
      title: this.title,
      columns: ['server', 'req/s', 'median', 'p95', 'bytes/resp', 'server CPU', 'load-gen CPU'],
      rows: [
        row('bare node:http, same bytes', bareLoad),
        row('portal GET /api/v1/claims/:id', portalLoad),
        ['portal ÷ bare', fmtRatio(ratio(portalLoad.reqPerSec, bareLoad.reqPerSec)), fmtRatio(ratio(portalLoad.p50, bareLoad.p50)),
          fmtRatio(ratio(portalLoad.p95, bareLoad.p95)), '', '', ''],
      ],
      targets: [],
      notes,
      data: { bare: bareRounds, portal: portalRounds },
    }
  },
}

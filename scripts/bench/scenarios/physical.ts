// The physical limit: how close the portal's cheapest endpoint (GET /api/v1/claims/:id: auth,
// zod, two primary-key reads, JSON) comes to a bare node:http server answering the same bytes,
// under the same autocannon load (several connections, so both servers are saturated).
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchContext, Scenario } from '../lib/context.ts'
import type { LoadResult } from '../lib/load.ts'
import { fmtInt, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { startProcess, type RunningServer } from '../lib/server.ts'
import { ratio } from '../lib/stats.ts'

const CONNECTIONS = 10
const BARE_SERVER = join(import.meta.dirname, '../lib/bare-server.ts')

/** Runs a load and measures the CPU the server used meanwhile, as a share of its one core. */
async function measured(server: RunningServer, run: () => Promise<LoadResult>): Promise<LoadResult & { serverCpu: number }> {
  const cpuBefore = server.cpuMs()
  const started = performance.now()
  const load = await run()
  return { ...load, serverCpu: (server.cpuMs() - cpuBefore) / (performance.now() - started) }
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

    ctx.log('physical: bare node:http')
    const bare = await startProcess(ctx.pinning, BARE_SERVER, [answerFile], {}, '/')
    let bareLoad: LoadResult & { serverCpu: number }
    try {
      bareLoad = await measured(bare, () => ctx.load({ origin: bare.origin, connections: CONNECTIONS, source: { kind: 'paths', paths: [`/api/v1/claims/${id}`] } }))
    }
    finally {
      await bare.stop()
      rmSync(answerFile, { force: true })
    }
    // The portal under the same load, on ids drawn at random, so nothing can come from a cache.
    ctx.log('physical: portal GET /claims/:id')
    const portalLoad = await measured(portal, () => ctx.load({ connections: CONNECTIONS, source: { kind: 'mix', mix: 'byId', seed: 99, facts: ctx.facts } }))

    const row = (label: string, l: LoadResult & { serverCpu: number }) => [label, fmtInt(l.reqPerSec), fmtMs(l.latency.p50), fmtMs(l.latency.p95),
      fmtInt(l.bytesPerResponse), `${Math.round(100 * l.serverCpu)}%`, `${Math.round(100 * l.generatorCpu)}%`]
    const notes = [
      `${CONNECTIONS} connections, ${ctx.durationS} s each after ${ctx.warmupS} s of warm-up. CPU columns: share of one core used by the server and by the load generator.`,
      'The bare server answers the body the portal gave for one claim; the portal is asked for random claims (same size within a few bytes), uncached.',
    ]
    if (bareLoad.generatorCpu > 0.9) {
      notes.push('The load generator used nearly all of its core against the bare server, so the bare figure is a floor: the limit there is autocannon, not node:http.')
    }
    return {
      name: this.name,
      title: this.title,
      columns: ['server', 'req/s', 'median', 'p95', 'bytes/resp', 'server CPU', 'load-gen CPU'],
      rows: [
        row('bare node:http, same bytes', bareLoad),
        row('portal GET /api/v1/claims/:id', portalLoad),
        ['portal ÷ bare', fmtRatio(ratio(portalLoad.reqPerSec, bareLoad.reqPerSec)), fmtRatio(ratio(portalLoad.latency.p50, bareLoad.latency.p50)),
          fmtRatio(ratio(portalLoad.latency.p95, bareLoad.latency.p95)), '', '', ''],
      ],
      targets: [],
      notes,
      data: { bare: bareLoad, portal: portalLoad },
    }
  },
}

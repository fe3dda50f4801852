// What the reader threads cost (server/services/query/off-thread.ts): an uncached claims list
// (the service call, planning included) read inline on this thread against the same list read
// on the pool, in the same run, alternating, so the difference is the pool's round trip: a
// message each way and the rows copied between threads.
import { listClaims } from '../../../server/services/claims/list.ts'
import { ListClaimsQuery } from '../../../server/services/claims/schemas.ts'
import { configureReaders, DEFAULT_READERS, startReaders, stopOffThreadWorker } from '../../../server/services/query/off-thread.ts'
import type { BenchContext, Scenario } from '../lib/context.ts'
import { checkTarget, fmtMs, type ScenarioResult } from '../lib/report.ts'
import { percentile } from '../lib/stats.ts'

/** The performance issue's goal for an uncached list at a million claims. */
const LIST_P95_TARGET_MS = 10
const ROUNDS = 15
const CALLS_PER_ROUND = 40

async function timedCalls(q: ListClaimsQuery, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    await listClaims(q)
    out.push(performance.now() - started)
  }
  return out
}

export const readers: Scenario = {
  name: 'readers',
  title: 'Claims lists inline against the reader threads',
  summary: 'an uncached claims list read on the main thread against the same list on the reader pool',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    ctx.connection()
    const { facts } = ctx
    const shapes: [string, Record<string, string>][] = [
      ['first page (-dateOfService)', {}],
      ['status=denied, payer', { status: 'denied', payer: facts.payers[1]! }],
      ['-billedCents', { sort: '-billedCents' }],
      ['limit=500', { limit: '500' }],
    ]
    const rows: string[][] = []
    const data: Record<string, unknown>[] = []
    let worstPoolP95 = 0
    for (const [label, input] of shapes) {
      ctx.log(`readers: ${label}`)
      const q = ListClaimsQuery.parse(input)
      const inline: number[] = []
      const pool: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating which side goes first; the pool is started (and warm) before it is timed.
        for (const side of round % 2 === 0 ? ['inline', 'pool'] : ['pool', 'inline']) {
          configureReaders({ size: side === 'inline' ? 0 : DEFAULT_READERS })
          if (side === 'pool') (startReaders(), await timedCalls(q, 5))
          ;(side === 'inline' ? inline : pool).push(...await timedCalls(q, CALLS_PER_ROUND))
        }
      }
      const figures = { inlineP50: percentile(inline, 50), poolP50: percentile(pool, 50), inlineP95: percentile(inline, 95), poolP95: percentile(pool, 95) }
      worstPoolP95 = Math.max(worstPoolP95, figures.poolP95)
      rows.push([label, fmtMs(figures.inlineP50), fmtMs(figures.poolP50), fmtMs(figures.poolP50 - figures.inlineP50), fmtMs(figures.inlineP95), fmtMs(figures.poolP95)])
      data.push({ shape: label, ...figures })
    }
    configureReaders({ size: DEFAULT_READERS })
    await stopOffThreadWorker()
    return {
      name: this.name,
      title: this.title,
      columns: ['list', 'inline p50', 'pool p50', 'pool − inline (p50)', 'inline p95', 'pool p95'],
      rows,
      targets: [checkTarget('uncached list p95 on the reader pool, worst shape', worstPoolP95, '<=', LIST_P95_TARGET_MS, fmtMs)],
      notes: [
        `In this process on the bench database, ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND} sequential listClaims calls per side (the service: planning, the statements, shaping; no cache, no HTTP).`,
        `The pool has ${DEFAULT_READERS} reader threads, each with its own read-only connection and prepared statements; only the statement's SQL and values go over, and only rows come back.`,
      ],
      data: { shapes: data },
    }
  },
}

// Each claims endpoint, uncached: median and p95 latency over a realistic mix of requests (see
// lib/mix.ts) at one connection, i.e. the time one request takes when it waits behind no other.
// Throughput under concurrency is the physical-limit scenario's business.
import type { BenchContext, Scenario } from '../lib/context.ts'
import type { LoadResult } from '../lib/load.ts'
import { describePath, GROUP_BYS, type MixName } from '../lib/mix.ts'
import { checkTarget, fmtInt, fmtMs, type ScenarioResult } from '../lib/report.ts'

const ENDPOINTS: { label: string, mix: MixName }[] = [
  { label: 'GET /claims (mix of filters, sorts, depths)', mix: 'list' },
  { label: 'GET /claims/:id', mix: 'byId' },
  ...GROUP_BYS.map(g => ({ label: `GET /claims/metrics?groupBy=${g}`, mix: `metrics:${g}` as MixName })),
  { label: 'GET /claims/denial-patterns', mix: 'denialPatterns' },
]

/** p95 under this many milliseconds, uncached, for the list and every metrics grouping. */
export const LATENCY_TARGET_MS = 10

export const endpoints: Scenario = {
  name: 'endpoints',
  title: 'Claims endpoints, uncached, one connection',
  summary: 'median and p95 latency of every claims endpoint over a realistic request mix',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    await ctx.portal()
    const results: { label: string, mix: MixName, load: LoadResult }[] = []
    for (const [i, e] of ENDPOINTS.entries()) {
      ctx.log(`endpoints: ${e.label}`)
      results.push({ ...e, load: await ctx.load({ source: { kind: 'mix', mix: e.mix, seed: 1000 + i, facts: ctx.facts } }) })
    }
    const list = results.find(r => r.mix === 'list')!.load
    const metrics = results.filter(r => r.mix.startsWith('metrics:'))
    const worstMetrics = metrics.reduce((worst, r) => (r.load.latency.p95 > worst.load.latency.p95 ? r : worst))
    const hits = results.reduce((n, r) => n + r.load.cacheHits, 0)
    const failed = results.filter(r => r.load.non2xx + r.load.errors > 0)
    return {
      name: this.name,
      title: this.title,
      columns: ['endpoint', 'requests', 'distinct', 'req/s', 'median', 'p95', 'p99', 'KiB/resp'],
      rows: results.flatMap(({ label, load }) => [
        [label, fmtInt(load.requests), fmtInt(load.distinctPaths), fmtInt(load.reqPerSec),
          fmtMs(load.latency.p50), fmtMs(load.latency.p95), fmtMs(load.latency.p99), (load.bytesPerResponse / 1024).toFixed(1)],
        // The list broken down by the sort asked for: where its slow requests come from.
        ...Object.entries(load.bySort ?? {}).sort(([, a], [, b]) => b.count - a.count).map(([sort, l]) =>
          [`  of which sort=${sort}`, fmtInt(l.count), '', '', fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.p99), '']),
      ]),
      targets: [
        checkTarget('GET /claims p95, uncached', list.latency.p95, '<', LATENCY_TARGET_MS, fmtMs),
        checkTarget(`GET /claims/metrics p95, uncached (slowest: groupBy=${worstMetrics.mix.slice(8)})`, worstMetrics.load.latency.p95, '<', LATENCY_TARGET_MS, fmtMs),
      ],
      notes: [
        `${ctx.durationS} s per endpoint after ${ctx.warmupS} s of warm-up, one connection, \`Authorization: Bearer\` admin key.`,
        'Uncached: every request draws its own window, id, filter or cursor, so few repeat (`distinct`), and each carries `Cache-Control: no-cache`; '
        + `answers with \`X-Cache: HIT\` are counted: ${hits} in this run.`,
        `Slowest list requests: ${list.slowest.map(s => `${describePath(s.path).replace('/api/v1/claims?', '')} (${fmtMs(s.ms)})`).join('; ')}.`,
        ...failed.map(r => `${r.label}: ${r.load.non2xx} non-2xx answers and ${r.load.errors} errors (excluded from the latencies).`),
      ],
      data: Object.fromEntries(results.map(r => [r.mix, r.load])),
    }
  },
}

// Correlation recompute of everyone against the API's latency (issue 5): alternating rounds of a
// steady GET load with the server idle, then the same load while POST /api/v1/correlations/recompute
// (no personId) recomputes every person of the bench database on the job worker thread. Reports the
// job's duration and the API p99 idle against during, medians over the rounds.
import { personRef } from '../../../server/services/seed/health-model.ts'
import type { BenchContext, Scenario } from '../lib/context.ts'
import { startLoad, type LoadResult, type LoadSpec } from '../lib/load.ts'
import { recomputeLoadPaths, summarizeRecompute, type RecomputeRound } from '../lib/recompute-rounds.ts'
import { checkTarget, fmtInt, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'

/** Five rounds of about 12 s: a median steadier than three on a shared machine, within a minute. */
const ROUNDS = 5
/** A steady rate, not as fast as answered: a saturated server would measure its queue, not the job's effect. */
const RATE = 200
const CONNECTIONS = 4
/** The recompute of 200 people takes seconds; past this the job is taken for stuck. */
const JOB_TIMEOUT_MS = 300_000
/** The busy phase ends when the job does; this only caps it. */
const BUSY_CAP_S = JOB_TIMEOUT_MS / 1000

interface Job {
  status: 'queued' | 'running' | 'succeeded' | 'failed'
  durationMs: number | null
  result: Record<string, number> | null
  error: string | null
}

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '–')

export const recompute: Scenario = {
  name: 'recompute',
  title: 'Correlation recompute of everyone against API latency',
  summary: 'API p99 idle against during the recompute of everyone on the job worker, and the recompute time',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { origin } = await ctx.portal()
    const headers = { authorization: `Bearer ${ctx.adminKey}` }
    const people = ctx.db.seed.people
    const spec = (durationS: number): LoadSpec => ({
      origin,
      headers,
      connections: CONNECTIONS,
      rate: RATE,
      durationS,
      warmupS: 0,
      source: { kind: 'paths', paths: recomputeLoadPaths(people, personRef) },
      countCacheHits: true,
    })

    /** fetch with the admin key, once more on a reset: undici may reuse a keep-alive socket the server just closed. */
    async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(origin + path, { ...init, headers: { ...headers, 'content-type': 'application/json' } })
          if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
          return await res.json() as T
        }
        catch (error) {
          if (attempt > 0 || (error as Error).message.includes('answered')) throw error
        }
      }
    }

    /** Polls the job until it reaches one of `statuses`; a failed job or a timeout throws. */
    async function waitFor(jobId: number, statuses: Job['status'][], deadline: number): Promise<Job> {
      for (;;) {
        const job = await call<Job>(`/api/v1/jobs/${jobId}`)
        if (statuses.includes(job.status)) return job
        if (job.status === 'failed') throw new Error(`recompute job ${jobId} failed: ${job.error}`)
        if (Date.now() > deadline) throw new Error(`recompute job ${jobId} still ${job.status} after ${JOB_TIMEOUT_MS / 1000} s`)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }

    // Warm-up: prepared statements, page cache, the first correlations.
    if (ctx.warmupS > 0) await startLoad(ctx.pinning, spec(ctx.warmupS)).done
    const rounds: (RecomputeRound & { idle: LoadResult, busy: LoadResult })[] = []
    let result: Record<string, number> = {}
    for (let r = 1; r <= ROUNDS; r++) {
      ctx.log(`recompute: round ${r} of ${ROUNDS}, idle`)
      const idle = await startLoad(ctx.pinning, spec(ctx.durationS)).done
      ctx.log(`recompute: round ${r} of ${ROUNDS}, recomputing everyone`)
      const deadline = Date.now() + JOB_TIMEOUT_MS
      const { jobId } = await call<{ jobId: number }>('/api/v1/correlations/recompute', { method: 'POST', body: '{}' })
      // The busy phase starts when the job runs, not while it waits in the queue behind another.
      await waitFor(jobId, ['running', 'succeeded'], deadline)
      const load = startLoad(ctx.pinning, spec(BUSY_CAP_S))
      let job: Job
      try {
        job = await waitFor(jobId, ['succeeded'], deadline)
      }
      finally {
        load.stop()
      }
      const busy = await load.done
      result = job.result ?? {}
      rounds.push({ idle, busy, idleP99: idle.latency.p99, busyP99: busy.latency.p99, recomputeMs: job.durationMs ?? Number.NaN })
    }

    const summary = summarizeRecompute(rounds)
    const failed = rounds.reduce((n, r) => n + r.idle.non2xx + r.idle.errors + r.busy.non2xx + r.busy.errors, 0)
    const hits = rounds.reduce((n, r) => n + r.idle.cacheHits + r.busy.cacheHits, 0)
    const answered = rounds.reduce((n, r) => n + r.idle.requests + r.busy.requests, 0)
    return {
      name: this.name,
      title: this.title,
      columns: ['round', 'requests idle / during', 'idle p50', 'idle p99', 'during p50', 'during p99', 'p99 during ÷ idle', 'recompute of everyone'],
      rows: [
        ...rounds.map((r, i) => [String(i + 1), `${fmtInt(r.idle.requests)} / ${fmtInt(r.busy.requests)}`,
          fmtMs(r.idle.latency.p50), fmtMs(r.idleP99), fmtMs(r.busy.latency.p50), fmtMs(r.busyP99),
          fmtRatio(r.busyP99 / r.idleP99), seconds(r.recomputeMs)]),
        ['median', '', '', fmtMs(summary.idleP99), '', fmtMs(summary.busyP99), fmtRatio(summary.ratio), seconds(summary.recomputeMs)],
      ],
      targets: [
        checkTarget(`API p99 during the recompute of everyone ÷ idle p99 (medians of ${ROUNDS} rounds)`, summary.ratio, '<=', 2, fmtRatio),
      ],
      notes: [
        `Everyone: ${fmtInt(result.people ?? Number.NaN)} people (${fmtInt(result.tests ?? Number.NaN)} tests, ${fmtInt(result.significant ?? Number.NaN)} significant at q < 0.05); `
        + `the recompute time is the job's own (\`durationMs\` of \`GET /api/v1/jobs/:id\`), median ${seconds(summary.recomputeMs)}, `
        + `about ${fmtMs(summary.recomputeMs / (result.people || Number.NaN))} a person.`,
        `Load: ${RATE} GET/s over ${CONNECTIONS} connections, round robin over 40 paths: the people list, weekly sleep summaries, HRV points and correlations of the bench's people, and the claims list; `
        + `${ctx.durationS} s idle, then from the job's start to its end. Of ${fmtInt(answered)} answers, ${fmtInt(hits)} came from the response cache (\`X-Cache: HIT\`, as for a client reading the same pages again); ${fmtInt(failed)} requests failed.`,
        `Ratio of the medians ${fmtRatio(summary.ratio)}; median of each round's own ratio ${fmtRatio(summary.pairedRatio)}.`,
        'The job worker is a thread of the server process, so it shares the server\'s pinned core (at nice 10): the figure is the event loop\'s share of one core against a CPU-bound job.',
      ],
      data: { rounds, summary, result, rate: RATE, connections: CONNECTIONS },
    }
  },
}

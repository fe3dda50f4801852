// The figures of the recompute scenario from its rounds: each round is an idle phase of steady API
// load, then the same load while the job recomputes everyone. Medians over the rounds, so that a
// burst of other work on the shared machine in one round does not make the figure.
import { median, ratio } from './stats.ts'

export interface RecomputeRound {
  /** API p99 (ms) with the server idle. */
  idleP99: number
  /** API p99 (ms) while the job ran. */
  busyP99: number
  /** The job's own duration (job_runs.duration_ms). */
  recomputeMs: number
}

export interface RecomputeSummary {
  idleP99: number
  busyP99: number
  /** Median busy p99 ÷ median idle p99: the "p99 during within twice idle". */
  ratio: number
  /** Median over the rounds of each round's own busy ÷ idle: how steady the ratio was. */
  pairedRatio: number
  recomputeMs: number
}

export function summarizeRecompute(rounds: readonly RecomputeRound[]): RecomputeSummary {
  const idleP99 = median(rounds.map(r => r.idleP99))
  const busyP99 = median(rounds.map(r => r.busyP99))
  const paired = rounds.map(r => ratio(r.busyP99, r.idleP99)).filter(Number.isFinite)
  return {
    idleP99,
    busyP99,
    ratio: ratio(busyP99, idleP99),
    pairedRatio: paired.length ? median(paired) : Number.NaN,
    recomputeMs: median(rounds.map(r => r.recomputeMs)),
  }
}

/** A steady mix of the portal's GETs over `people` people (refs from `ref`), as a client would read while the job runs. */
export function recomputeLoadPaths(people: number, ref: (index: number) => string, count = 40): string[] {
  const person = (i: number) => ref(i % people)
  return Array.from({ length: count }, (_, i) => [
    '/api/v1/people?limit=50',
    `/api/v1/health-data/summary?personId=${person(i * 7)}&metric=sleep_minutes&bucket=week`,
    `/api/v1/health-data?personId=${person(i * 11)}&metric=hrv&limit=100`,
    `/api/v1/correlations?personId=${person(i * 13)}`,
    '/api/v1/claims?limit=50',
  ][i % 5]!)
}

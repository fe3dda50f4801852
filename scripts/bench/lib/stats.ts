// Summary statistics for the bench: exact percentiles over the recorded samples (a bench run keeps
// every latency; it is thousands of numbers, not the server's unbounded stream), ratios, and a
// timing loop for in-process comparisons.

/** The p-th percentile (0..100) by linear interpolation between closest ranks; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted([...samples].sort((a, b) => a - b), p)
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo)
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50)
}

export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  }
}

/** a ÷ b, NaN when either is missing or b is zero (a ratio of nothing is not 0 or Infinity). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN
  return a / b
}

export interface LoopOptions {
  /** How long one timed batch of calls should last: well above the timer's resolution. */
  targetMs: number
  /** Batches per function; the median batch is the answer, so a hiccup of the shared machine does not count. */
  rounds: number
}

/** Milliseconds per call of each function, timed in alternating batches so all see the same machine. */
export function compareLoops(fns: readonly (() => unknown)[], options: LoopOptions): number[] {
  const batches = fns.map(fn => batchFor(fn, options.targetMs))
  // Warm-up: prepare, JIT, page cache.
  fns.forEach((fn, i) => {
    for (let n = 0; n < batches[i]!; n++) fn()
  })
  const perCall: number[][] = fns.map(() => [])
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order, so no function always runs on caches warmed by another.
    const order = fns.map((_, i) => (round % 2 === 0 ? i : fns.length - 1 - i))
    for (const i of order) {
      const fn = fns[i]!
      const batch = batches[i]!
      const started = performance.now()
      for (let n = 0; n < batch; n++) fn()
      perCall[i]!.push((performance.now() - started) / batch)
    }
  }
  return perCall.map(median)
}

/** A batch size that makes one batch last about `targetMs`, from a few timed calls. */
export function batchFor(fn: () => unknown, targetMs: number, max = 50_000): number {
  fn()
  let calls = 0
  const started = performance.now()
  while (performance.now() - started < Math.min(targetMs, 5) && calls < max) {
    fn()
    calls++
  }
  const ms = Math.max((performance.now() - started) / Math.max(calls, 1), 0.0001)
  return Math.max(1, Math.min(max, Math.round(targetMs / ms)))
}

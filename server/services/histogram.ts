// A fixed-size latency histogram with geometric buckets: recording is O(1) and allocation-free,
// memory is constant however many samples arrive, and percentiles come from bucket counts
// (interpolated within the bucket) with a relative error under the bucket ratio (~10%).

/** Smallest bucket bound in milliseconds; anything faster counts in the first bucket. */
const MIN_MS = 0.001
/** Each bucket's upper bound is RATIO times the previous one. */
const RATIO = 1.1
const LOG_RATIO = Math.log(RATIO)
/** 0.001 ms · 1.1^200 ≈ 190 s: enough for any request. */
export const BUCKETS = 200

export interface HistogramSnapshot {
  count: number
  sum: number
  max: number
}

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS)
  count = 0
  sum = 0
  max = 0

  record(ms: number): void {
    const value = ms > 0 ? ms : 0
    this.counts[bucketOf(value)]!++
    this.count++
    this.sum += value
    if (value > this.max) this.max = value
  }

  /** Adds another histogram's samples to this one (for windows made of several buckets). */
  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!
    this.count += other.count
    this.sum += other.sum
    if (other.max > this.max) this.max = other.max
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count
  }

  /** The q-th quantile (0..1) in milliseconds; 0 when empty. Never above the observed max. */
  quantile(q: number): number {
    if (this.count === 0) return 0
    const rank = Math.min(Math.max(q, 0), 1) * this.count
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i]!
      if (c === 0) continue
      if (seen + c >= rank) {
        const lower = i === 0 ? 0 : upperBound(i - 1)
        const upper = upperBound(i)
        const within = c === 0 ? 0 : (rank - seen) / c
        return Math.min(lower + (upper - lower) * within, this.max)
      }
      seen += c
    }
    return this.max
  }

  reset(): void {
    this.counts.fill(0)
    this.count = 0
    this.sum = 0
    this.max = 0
  }
}

export function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0
  const i = Math.ceil(Math.log(ms / MIN_MS) / LOG_RATIO)
  return i >= BUCKETS ? BUCKETS - 1 : i
}

export function upperBound(bucket: number): number {
  return MIN_MS * RATIO ** bucket
}

// Per-route request statistics in minute buckets. The last hour keeps full histograms (so any
// window's percentiles come from merged bucket counts, not averages of percentiles); the last
// 24 hours keep a summary per minute for the dashboard's history. Memory is bounded: at most
// 61 histograms and 1440 summaries per route.
import { Histogram } from '../histogram.ts'

export const MINUTE_MS = 60_000
export const HISTOGRAM_MINUTES = 61
export const HISTORY_MINUTES = 24 * 60
export const WINDOWS = { '1m': 1, '5m': 5, '1h': 60 } as const
export type WindowName = keyof typeof WINDOWS

export interface MinuteSummary {
  minute: string
  count: number
  errors: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
}

interface Bucket {
  minute: number
  count: number
  errors: number
  histogram: Histogram
}

export interface WindowStats {
  count: number
  errors: number
  rps: number
  errorRate: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
}

/** One route's (or all routes') minute buckets. */
export class MinuteSeries {
  private readonly buckets: Bucket[] = []
  private readonly history: MinuteSummary[] = []

  record(ms: number, error: boolean, now: number): void {
    const minute = Math.floor(now / MINUTE_MS)
    let current = this.buckets[this.buckets.length - 1]
    if (!current || current.minute !== minute) current = this.rotate(minute)
    current.count++
    if (error) current.errors++
    current.histogram.record(ms)
  }

  /**
   * A window of N minutes is the current (partial) minute and the N before it that have data;
   * rates divide by the time that span really covers, or by the process's age when it is younger.
   */
  window(name: WindowName, now: number, startedAt: number): WindowStats {
    const minutes = WINDOWS[name]
    const current = Math.floor(now / MINUTE_MS)
    const merged = new Histogram()
    let errors = 0
    for (const b of this.buckets) {
      if (b.minute < current - minutes) continue
      merged.merge(b.histogram)
      errors += b.errors
    }
    const spanMs = Math.max(1000, Math.min(now - (current - minutes) * MINUTE_MS, now - startedAt))
    return {
      count: merged.count,
      errors,
      rps: merged.count / (spanMs / 1000),
      errorRate: merged.count === 0 ? 0 : errors / merged.count,
      p50Ms: merged.quantile(0.5),
      p95Ms: merged.quantile(0.95),
      p99Ms: merged.quantile(0.99),
    }
  }

  /** Per-minute summaries, oldest first, including the current minute. */
  minutes(now: number): MinuteSummary[] {
    const live = this.buckets.filter(b => b.minute >= Math.floor(now / MINUTE_MS) - HISTORY_MINUTES).map(summarise)
    const closed = this.history.filter(s => Date.parse(s.minute) >= now - HISTORY_MINUTES * MINUTE_MS)
    const seen = new Set(live.map(s => s.minute))
    return [...closed.filter(s => !seen.has(s.minute)), ...live]
  }

  private rotate(minute: number): Bucket {
    const bucket: Bucket = { minute, count: 0, errors: 0, histogram: new Histogram() }
    this.buckets.push(bucket)
    while (this.buckets.length > 0 && this.buckets[0]!.minute < minute - HISTOGRAM_MINUTES) {
      this.history.push(summarise(this.buckets.shift()!))
    }
    while (this.history.length > 0 && Date.parse(this.history[0]!.minute) < (minute - HISTORY_MINUTES) * MINUTE_MS) this.history.shift()
    return bucket
  }
}

function summarise(b: Bucket): MinuteSummary {
  return {
    minute: new Date(b.minute * MINUTE_MS).toISOString(),
    count: b.count,
    errors: b.errors,
    p50Ms: b.histogram.quantile(0.5),
    p95Ms: b.histogram.quantile(0.95),
    p99Ms: b.histogram.quantile(0.99),
  }
}

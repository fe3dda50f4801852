// A Prometheus histogram that prom-client's Registry renders like its own, but whose observe is
// plain arithmetic on a series found by a caller-built key: no label validation or hashing per
// sample. Label sets are closed (method/route/status, query name), so the series stay few.

export interface Series<L extends string> {
  labels: Record<L, string>
  /** Samples per bucket, not cumulative; the last slot is above every bound (+Inf only). */
  counts: ArrayLike<number>
  sum: number
  count: number
}

interface ValuePair {
  labels: Record<string, string | number>
  sharedLabels: Record<string, string>
  value: number
  metricName: string
}

export class ScrapedHistogram<L extends string> {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly name: string
  readonly help: string
  private readonly bounds: readonly number[]
  private readonly series = new Map<string, Series<L> & { counts: Float64Array }>()
  private readonly source: (() => Iterable<Series<L>>) | undefined

  /** With `source`, the series are someone else's counters (read at scrape) and observe is not used. */
  constructor(name: string, help: string, bounds: readonly number[], source?: () => Iterable<Series<L>>) {
    this.name = name
    this.help = help
    this.bounds = bounds
    this.source = source
  }

  /** Counts `value` in the series `key` stands for; `labels` is called only the first time. */
  observe(key: string, labels: () => Record<L, string>, value: number): void {
    let s = this.series.get(key)
    if (!s) this.series.set(key, s = { labels: labels(), counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 })
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    s.counts[i]!++
    s.sum += value
    s.count++
  }

  allSeries(): Iterable<Series<L>> {
    return this.source ? this.source() : this.series.values()
  }

  reset(): void {
    this.series.clear()
  }

  /** What prom-client's Registry formats: cumulative `_bucket` (le, then the series' labels), `_sum`, `_count`. */
  getForPromString() {
    const values: ValuePair[] = []
    for (const s of this.allSeries()) {
      let acc = 0
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i]!
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: s.labels, value: acc, metricName: `${this.name}_bucket` })
      }
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_bucket` },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      )
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator }
  }

  /** The same values with each series' labels merged in (prom-client's JSON form). */
  get() {
    const data = this.getForPromString()
    return { ...data, values: data.values.map(v => ({ value: v.value, metricName: v.metricName, labels: { ...v.sharedLabels, ...v.labels } })) }
  }
}

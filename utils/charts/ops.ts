// Operations pages: route latencies, cache hit rates (now and over the minutes the page is open).
import { formatMs, formatPercent } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'

export interface RouteStat { route: string, method: string, count: number, errors: number, rps: number, p50Ms: number, p95Ms: number, p99Ms: number }

/** The busiest routes' p50, p95 and p99 side by side. */
export function routeLatencyChart(routes: RouteStat[], n = 10): { chart: ChartSpec, table: ChartTable } {
  const top = [...routes].sort((a, b) => b.count - a.count).slice(0, n)
  const label = (r: RouteStat) => `${r.method} ${r.route}`
  return {
    chart: {
      type: 'bar',
      data: {
        labels: top.map(label),
        datasets: [
          { label: 'p50 (ms)', data: top.map(r => r.p50Ms), backgroundColor: COLORS.green },
          { label: 'p95 (ms)', data: top.map(r => r.p95Ms), backgroundColor: COLORS.amber },
          { label: 'p99 (ms)', data: top.map(r => r.p99Ms), backgroundColor: COLORS.red },
        ],
      },
      options: baseOptions({ indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: 'ms' } } } }),
    },
    table: {
      columns: ['Route', 'p50', 'p95', 'p99'],
      rows: top.map(r => [label(r), formatMs(r.p50Ms), formatMs(r.p95Ms), formatMs(r.p99Ms)]),
    },
  }
}

export function errorRate(r: { count: number, errors: number }): number {
  return r.count ? r.errors / r.count : 0
}

export interface NamespaceStat { namespace: string, hits: number, misses: number, hitRate: number, keys: number }

export function namespaceChart(namespaces: NamespaceStat[]): { chart: ChartSpec, table: ChartTable } {
  const sorted = [...namespaces].sort((a, b) => a.namespace.localeCompare(b.namespace))
  return {
    chart: {
      type: 'bar',
      data: {
        labels: sorted.map(n => n.namespace),
        datasets: [{ label: 'Hit rate (%)', data: sorted.map(n => Math.round(n.hitRate * 1000) / 10), backgroundColor: COLORS.blue }],
      },
      options: baseOptions({ plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100, ticks: { callback: (v: number | string) => `${v}%` } } } }),
    },
    table: {
      columns: ['Namespace', 'Hit rate', 'Hits', 'Misses', 'Keys'],
      rows: sorted.map(n => [n.namespace, formatPercent(n.hitRate), String(n.hits), String(n.misses), String(n.keys)]),
    },
  }
}

export interface HitSample { at: number, hits: number, misses: number }

/** Keeps the last `max` samples of the cumulative counters, one per refresh. */
export function appendSample(samples: HitSample[], sample: HitSample, max = 60): HitSample[] {
  const last = samples[samples.length - 1]
  // Counters that went down mean the cache was reset or the process restarted: start over.
  const restart = last && (sample.hits < last.hits || sample.misses < last.misses)
  return [...(restart ? [] : samples), sample].slice(-max)
}

/**
 * The hit rate between consecutive samples (what happened in each interval, not since start);
 * null for an interval without lookups.
 */
export function intervalHitRates(samples: HitSample[]): { at: number, hitRate: number | null }[] {
  const out: { at: number, hitRate: number | null }[] = []
  for (let i = 1; i < samples.length; i++) {
    const hits = samples[i]!.hits - samples[i - 1]!.hits
    const lookups = hits + samples[i]!.misses - samples[i - 1]!.misses
    out.push({ at: samples[i]!.at, hitRate: lookups > 0 ? hits / lookups : null })
  }
  return out
}

export function hitRateOverTimeChart(samples: HitSample[]): { chart: ChartSpec, table: ChartTable } {
  const rates = intervalHitRates(samples)
  const time = (at: number) => new Date(at).toISOString().slice(11, 19)
  return {
    chart: {
      type: 'line',
      data: {
        labels: rates.map(r => time(r.at)),
        datasets: [{ label: 'Hit rate (%)', data: rates.map(r => (r.hitRate === null ? null : Math.round(r.hitRate * 1000) / 10)), borderColor: COLORS.blue, backgroundColor: COLORS.blueSoft, fill: true, spanGaps: true, pointRadius: 2 }],
      },
      options: baseOptions({ plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100 } } }),
    },
    table: {
      columns: ['Time (UTC)', 'Hit rate in the interval'],
      rows: rates.map(r => [time(r.at), r.hitRate === null ? 'no lookups' : formatPercent(r.hitRate)]),
    },
  }
}

export interface MinuteSummary { minute: string, count: number, errors: number, p50Ms: number, p95Ms: number, p99Ms: number }

/**
 * All routes together, minute by minute, over the last `minutes` of the history (counted back
 * from its newest minute): requests as bars, p95 as a line.
 */
export function requestHistoryChart(history: MinuteSummary[], minutes = 60): { chart: ChartSpec, table: ChartTable } {
  const newest = Math.max(...history.map(h => Date.parse(h.minute)).filter(Number.isFinite))
  const recent = Number.isFinite(newest)
    ? [...history].filter(h => Date.parse(h.minute) > newest - minutes * 60_000).sort((a, b) => a.minute.localeCompare(b.minute))
    : []
  const label = (h: MinuteSummary) => new Date(h.minute).toISOString().slice(11, 16)
  return {
    chart: {
      type: 'bar',
      data: {
        labels: recent.map(label),
        datasets: [
          { type: 'line', label: 'p95 (ms)', data: recent.map(h => h.p95Ms), borderColor: COLORS.red, backgroundColor: COLORS.red, yAxisID: 'ms', pointRadius: 1.5, order: 0 },
          { type: 'bar', label: 'Requests', data: recent.map(h => h.count), backgroundColor: COLORS.greySoft, yAxisID: 'count', order: 1 },
        ],
      },
      options: baseOptions({
        scales: {
          count: { beginAtZero: true, position: 'left', title: { display: true, text: 'requests / min' } },
          ms: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'p95 ms' } },
        },
      }),
    },
    table: {
      columns: ['Minute (UTC)', 'Requests', 'Errors', 'p50', 'p95', 'p99'],
      rows: recent.map(h => [label(h), String(h.count), String(h.errors), formatMs(h.p50Ms), formatMs(h.p95Ms), formatMs(h.p99Ms)]),
    },
  }
}

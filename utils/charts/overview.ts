// The overview's charts, from GET /api/v1/claims/metrics answers.
import type { MetricsSeriesRow } from '../../server/services/claims/responses.ts'
import { formatCents, formatInt, formatPercent } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'

/** The fields of a metrics series row these charts read (the type is the API contract's). */
export type MetricsRow = Pick<MetricsSeriesRow, 'key' | 'claims' | 'denied' | 'billedCents' | 'paidCents' | 'deniedCents' | 'denialRate'>

const percentAxis = { beginAtZero: true, ticks: { callback: (v: number | string) => `${v}%` } }

/** The denial rate per time bucket as a line, with the number of claims as bars behind it. */
export function denialTrendChart(series: MetricsRow[]): { chart: ChartSpec, table: ChartTable } {
  return {
    chart: {
      type: 'bar',
      data: {
        labels: series.map(s => s.key),
        datasets: [
          { type: 'line', label: 'Denial rate (%)', data: series.map(s => round(s.denialRate * 100, 2)), borderColor: COLORS.red, backgroundColor: COLORS.red, yAxisID: 'rate', tension: 0.25, pointRadius: 2, order: 0 },
          { type: 'bar', label: 'Claims', data: series.map(s => s.claims), backgroundColor: COLORS.greySoft, yAxisID: 'count', order: 1 },
        ],
      },
      options: baseOptions({
        scales: {
          rate: { ...percentAxis, position: 'left', title: { display: true, text: 'denial rate' } },
          count: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'claims' } },
        },
      }),
    },
    table: {
      columns: ['Period', 'Claims', 'Denied', 'Denial rate'],
      rows: series.map(s => [s.key, formatInt(s.claims), formatInt(s.denied), formatPercent(s.denialRate)]),
    },
  }
}

/** Billed against paid dollars per time bucket. */
export function billedPaidChart(series: MetricsRow[]): { chart: ChartSpec, table: ChartTable } {
  return {
    chart: {
      type: 'bar',
      data: {
        labels: series.map(s => s.key),
        datasets: [
          { label: 'Billed ($)', data: series.map(s => Math.round(s.billedCents / 100)), backgroundColor: COLORS.blue },
          { label: 'Paid ($)', data: series.map(s => Math.round(s.paidCents / 100)), backgroundColor: COLORS.green },
        ],
      },
      options: baseOptions({ scales: { y: { beginAtZero: true } } }),
    },
    table: {
      columns: ['Period', 'Billed', 'Paid', 'Paid share'],
      rows: series.map(s => [s.key, formatCents(s.billedCents), formatCents(s.paidCents), formatPercent(s.billedCents ? s.paidCents / s.billedCents : null)]),
    },
  }
}

export interface ReasonShare { reason: string, denied: number, deniedCents: number, share: number }

/** The denial reasons with the most denials, with their share of all denials. */
export function topDenialReasons(series: MetricsRow[], n = 8): ReasonShare[] {
  const withReason = series.filter(s => s.key && s.denied > 0)
  const total = withReason.reduce((sum, s) => sum + s.denied, 0)
  return withReason
    .map(s => ({ reason: s.key, denied: s.denied, deniedCents: s.deniedCents, share: total ? s.denied / total : 0 }))
    .sort((a, b) => b.denied - a.denied || a.reason.localeCompare(b.reason))
    .slice(0, n)
}

export function reasonsChart(reasons: ReasonShare[]): ChartSpec {
  return {
    type: 'bar',
    data: {
      labels: reasons.map(r => r.reason),
      datasets: [{ label: 'Denied claims', data: reasons.map(r => r.denied), backgroundColor: COLORS.red }],
    },
    options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }),
  }
}

export interface ProviderRate { providerId: string, name: string, claims: number, denied: number, denialRate: number }

/**
 * Providers by denial rate, highest first. Providers with fewer than `minClaims` claims are left
 * out: two denials out of three claims is not a pattern.
 */
export function providersByDenialRate(series: MetricsRow[], names: Record<string, string>, n = 10, minClaims = 20): ProviderRate[] {
  return series
    .filter(s => s.claims >= minClaims)
    .map(s => ({ providerId: s.key, name: names[s.key] ?? `Provider ${s.key}`, claims: s.claims, denied: s.denied, denialRate: s.denialRate }))
    .sort((a, b) => b.denialRate - a.denialRate || b.claims - a.claims)
    .slice(0, n)
}

export function providerRatesChart(rates: ProviderRate[]): ChartSpec {
  return {
    type: 'bar',
    data: {
      labels: rates.map(r => shortLabel(r.name)),
      datasets: [{ label: 'Denial rate (%)', data: rates.map(r => round(r.denialRate * 100, 2)), backgroundColor: COLORS.amber }],
    },
    options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: percentAxis } }),
  }
}

/** Axis labels stay short enough for a phone; the table beside the chart has the full name. */
export function shortLabel(text: string, max = 24): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

// The denial patterns page: each recurring (reason, provider, payer) combination against the
// previous period of equal length.
import type { DenialPatterns } from '../../server/services/claims/responses.ts'
import { formatCents, formatInt, formatPercent, formatTrend } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'

/** A row of GET /claims/denial-patterns; the page also charts rows without a name or a previous count. */
type DenialPatternRow = DenialPatterns['data'][number]
export type DenialPattern = Omit<DenialPatternRow, 'providerName' | 'previousCount'> & Partial<Pick<DenialPatternRow, 'providerName' | 'previousCount'>>

export function patternLabel(p: DenialPattern): string {
  return `${p.denialReason} · ${p.providerName || `Provider ${p.providerId}`} · ${p.payer}`
}

/** Which way a pattern is heading, for the arrow and its colour; ±10% counts as steady. */
export function trendDirection(trend: number | null): 'new' | 'up' | 'down' | 'steady' {
  if (trend === null || !Number.isFinite(trend)) return 'new'
  return trend > 0.1 ? 'up' : trend < -0.1 ? 'down' : 'steady'
}

/** The top patterns as grouped bars: this period against the previous one. */
export function patternsChart(patterns: DenialPattern[], n = 10): { chart: ChartSpec, table: ChartTable } {
  const top = patterns.slice(0, n)
  return {
    chart: {
      type: 'bar',
      data: {
        labels: top.map(p => `${p.denialReason} · ${p.payer}`),
        datasets: [
          { label: 'This period', data: top.map(p => p.count), backgroundColor: COLORS.red },
          { label: 'Previous period', data: top.map(p => p.previousCount ?? 0), backgroundColor: COLORS.greySoft },
        ],
      },
      options: baseOptions({ indexAxis: 'y', scales: { x: { beginAtZero: true } } }),
    },
    table: {
      columns: ['Pattern', 'Denials', 'Previous', 'Trend', 'Share', 'Denied'],
      rows: top.map(p => [patternLabel(p), formatInt(p.count), formatInt(p.previousCount ?? 0), formatTrend(p.trend), formatPercent(p.share), formatCents(p.deniedCents)]),
    },
  }
}

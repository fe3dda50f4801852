// What a chart transform returns: a chart.js configuration made of plain data, and the same
// numbers as a table, which the page shows as the chart's text alternative.
export interface ChartSpec {
  type: 'bar' | 'line' | 'scatter'
  data: { labels?: string[], datasets: Record<string, unknown>[] }
  options?: Record<string, unknown>
}

export interface ChartTable {
  columns: string[]
  rows: string[][]
}

export const COLORS = {
  blue: '#2563eb',
  blueSoft: 'rgba(37, 99, 235, 0.18)',
  green: '#16a34a',
  red: '#dc2626',
  redSoft: 'rgba(220, 38, 38, 0.25)',
  amber: '#d97706',
  amberSoft: 'rgba(217, 119, 6, 0.22)',
  grey: '#64748b',
  greySoft: 'rgba(100, 116, 139, 0.35)',
  purple: '#7c3aed',
}

/** Options every chart shares: no animation (refreshes must not flicker), fills its box. */
export function baseOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom' } },
    ...extra,
  }
}

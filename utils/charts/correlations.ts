// The correlations page: a sortable table and the scatter of one correlation's pairs.
import { formatNumber } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'
import type { Pair } from './health.ts'

export interface Correlation {
  id: number
  personId: string
  supplementId: string
  metric: string
  lagDays: number
  n: number
  pearsonR: number | null
  spearmanRho: number | null
  pValue: number | null
  qValue: number | null
  ci95: [number, number] | null
  effect: number | null
  computedAt: string
}

export type CorrelationSortKey = 'pearsonR' | 'spearmanRho' | 'qValue' | 'n' | 'lagDays' | 'effect' | 'absR'

/** Sorted copy; missing values sort last whichever the direction. `absR` sorts by strength. */
export function sortCorrelations(rows: Correlation[], key: CorrelationSortKey, dir: 'asc' | 'desc'): Correlation[] {
  const value = (r: Correlation): number | null => key === 'absR' ? (r.pearsonR === null ? null : Math.abs(r.pearsonR)) : r[key]
  const sign = dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va === null || !Number.isFinite(va)) return vb === null || !Number.isFinite(vb) ? a.id - b.id : 1
    if (vb === null || !Number.isFinite(vb)) return -1
    return (va - vb) * sign || a.id - b.id
  })
}

/** Each day as a point: the dose taken (x) against the metric's value (y). */
export function pairsScatter(pairs: Pair[], doseLabel: string, valueLabel: string): { chart: ChartSpec, table: ChartTable } {
  const points = pairs.filter(p => p.dose !== null && p.value !== null).map(p => ({ x: p.dose as number, y: p.value as number }))
  return {
    chart: {
      type: 'scatter',
      data: { datasets: [{ label: 'Days', data: points, backgroundColor: COLORS.purple, pointRadius: 3 }] },
      options: baseOptions({
        interaction: { mode: 'nearest', intersect: true },
        plugins: { legend: { display: false } },
        scales: { x: { title: { display: true, text: doseLabel } }, y: { title: { display: true, text: valueLabel } } },
      }),
    },
    table: {
      columns: ['Day', 'Dose', 'Value'],
      rows: pairs.map(p => [p.day, p.dose === null ? '–' : String(p.dose), formatNumber(p.value, 1)]),
    },
  }
}

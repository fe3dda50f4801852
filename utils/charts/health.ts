// The health page: a person's daily average of one metric with its min–max band, and the days a
// supplement was taken marked on the same axis.
import type { MetricName } from '../../server/services/health/catalog.ts'
import { formatNumber } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'

export interface SummaryRow { bucket: string, avg: number | null, min: number | null, max: number | null, count: number }
export interface Pair { day: string, dose: number | null, value: number | null }

export const METRICS: { id: MetricName, label: string, unit: string }[] = [
  { id: 'resting_heart_rate', label: 'Resting heart rate', unit: 'bpm' },
  { id: 'hrv', label: 'Heart rate variability', unit: 'ms' },
  { id: 'sleep_minutes', label: 'Sleep', unit: 'min' },
  { id: 'steps', label: 'Steps', unit: 'steps' },
  { id: 'weight', label: 'Weight', unit: 'kg' },
  { id: 'glucose', label: 'Glucose', unit: 'mg/dL' },
  { id: 'systolic_bp', label: 'Systolic blood pressure', unit: 'mmHg' },
  { id: 'diastolic_bp', label: 'Diastolic blood pressure', unit: 'mmHg' },
]

export function metricLabel(id: string): string {
  const m = METRICS.find(x => x.id === id)
  return m ? `${m.label} (${m.unit})` : id
}

/**
 * Intake days from a correlation's pairs: a pair's `day` is the intake day (its `value` is the
 * metric `lagDays` later), so a pair with a dose above zero is a day the supplement was taken.
 */
export function intakeDaysFromPairs(pairs: Pair[]): string[] {
  const days = new Set<string>()
  for (const p of pairs) {
    if (p.dose !== null && p.dose > 0) days.add(p.day)
  }
  return [...days].sort()
}

/** Daily average line inside a shaded min–max band; intake days as light bars on a hidden axis. */
export function healthChart(rows: SummaryRow[], intakeDays: string[], metric: string): { chart: ChartSpec, table: ChartTable } {
  const taken = new Set(intakeDays)
  const labels = rows.map(r => r.bucket)
  const datasets: Record<string, unknown>[] = [
    { type: 'line', label: 'Max', data: rows.map(r => r.max), borderColor: COLORS.blueSoft, backgroundColor: COLORS.blueSoft, pointRadius: 0, borderWidth: 1, fill: '+1', order: 2 },
    { type: 'line', label: 'Min', data: rows.map(r => r.min), borderColor: COLORS.blueSoft, backgroundColor: COLORS.blueSoft, pointRadius: 0, borderWidth: 1, fill: false, order: 2 },
    { type: 'line', label: 'Daily average', data: rows.map(r => r.avg), borderColor: COLORS.blue, backgroundColor: COLORS.blue, pointRadius: 1.5, borderWidth: 2, fill: false, order: 1 },
  ]
  if (taken.size) {
    datasets.push({ type: 'bar', label: 'Supplement taken', data: labels.map(d => (taken.has(d) ? 1 : null)), backgroundColor: COLORS.amberSoft, yAxisID: 'intake', barPercentage: 1, categoryPercentage: 1, order: 3 })
  }
  return {
    chart: {
      type: 'line',
      data: { labels, datasets },
      options: baseOptions({
        scales: {
          y: { title: { display: true, text: metricLabel(metric) } },
          // chart.js cannot place an axis no dataset uses: the intake axis exists only with intakes.
          ...(taken.size ? { intake: { type: 'linear', axis: 'y', display: false, min: 0, max: 1 } } : {}),
        },
      }),
    },
    table: {
      columns: ['Day', 'Average', 'Min', 'Max', 'Readings', 'Supplement taken'],
      rows: rows.map(r => [r.bucket, formatNumber(r.avg, 1), formatNumber(r.min, 1), formatNumber(r.max, 1), String(r.count), taken.has(r.bucket) ? 'yes' : '']),
    },
  }
}

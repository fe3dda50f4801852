// The health page: a person's daily average of one metric with its min–max band, and the days a
// supplement was taken marked on the same axis.
import { formatNumber } from '../format.ts'
import { baseOptions, COLORS, type ChartSpec, type ChartTable } from './spec.ts'

export interface SummaryRow { bucket: string, avg: number | null, min: number | null, max: number | null, count: number }
export interface Pair { day: string, dose: number | null, value: number | null }

export const METRICS: { id: string, label: string, unit: string }[] = [
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
 * Intake days from a correlation's pairs: a pair with a dose above zero is a day the supplement
 * was taken. Pairs of a lagged correlation pair a day's value with the dose `lagDays` earlier, so
 * their intake day is `lagDays` before the pair's day.
 */
export function intakeDaysFromPairs(pairs: Pair[], lagDays = 0): string[] {
  const days = new Set<string>()
  for (const p of pairs) {
    if (p.dose !== null && p.dose > 0) days.add(lagDays ? shiftDay(p.day, -lagDays) : p.day)
  }
  return [...days].sort()
}

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
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
          intake: { display: false, min: 0, max: 1 },
        },
      }),
    },
    table: {
      columns: ['Day', 'Average', 'Min', 'Max', 'Readings', 'Supplement taken'],
      rows: rows.map(r => [r.bucket, formatNumber(r.avg, 1), formatNumber(r.min, 1), formatNumber(r.max, 1), String(r.count), taken.has(r.bucket) ? 'yes' : '']),
    },
  }
}

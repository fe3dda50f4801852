// Builds the series a correlation is computed from, for one person. Days are UTC calendar days.
//
// The dose series covers the person's observed range (first to last day with any point or
// intake): the sum of the day's doses, 0 on days without an intake. It is paired with the
// metric's daily mean (health_daily sum / count) `lag` days later, on the days where that mean
// exists. The same function serves the recompute and GET /correlations/:id, so the pairs shown
// are the pairs the numbers came from.
import { defineQuery } from '../query/index.ts'
import { DAY_MS, dayStart, utcDay } from '../days.ts'

export const MAX_LAG_DAYS = 3
/** Fewer pairs than this and a correlation says nothing; it is not stored. */
export const MIN_PAIRS = 14


export interface Pair {
  /** The intake day (YYYY-MM-DD); `value` is the metric on this day plus the lag. */
  day: string
  dose: number
  value: number
}

export interface PersonSeries {
  /** Day numbers (days since 1970-01-01) of the observed range, inclusive; null without data. */
  first: number | null
  last: number | null
  /** Per supplement, the summed dose per day number. */
  doses: Map<string, Map<number, number>>
  /** Per metric, the daily mean per day number. */
  means: Map<string, Map<number, number>>
}

const intakeDays = defineQuery<{ personId: number }, { supplementId: string, dayNo: number, dose: number }>('correlations.intakeDays', `
  SELECT supplement_id AS supplementId, taken_at / ${DAY_MS} AS dayNo, sum(dose) AS dose
  FROM supplement_intakes WHERE person_id = @personId GROUP BY supplement_id, taken_at / ${DAY_MS}`)

const dailyMeans = defineQuery<{ personId: number }, { metric: string, day: string, mean: number }>('correlations.dailyMeans', `
  SELECT metric, day, sum / count AS mean FROM health_daily WHERE person_id = @personId`)

export function dayNumber(day: string): number {
  return dayStart(day) / DAY_MS
}

export function dayString(dayNo: number): string {
  return utcDay(dayNo * DAY_MS)
}

/** Reads everything the person's correlations need: their intakes by day and daily means. */
export function loadPersonSeries(personId: number): PersonSeries {
  const series: PersonSeries = { first: null, last: null, doses: new Map(), means: new Map() }
  const widen = (d: number) => {
    if (series.first === null || d < series.first) series.first = d
    if (series.last === null || d > series.last) series.last = d
  }
  for (const row of intakeDays.all({ personId })) {
    // Integer division in SQL floors toward zero; instants before 1970 would need floor().
    const dayNo = Math.floor(row.dayNo)
    let m = series.doses.get(row.supplementId)
    if (!m) series.doses.set(row.supplementId, m = new Map())
    m.set(dayNo, row.dose)
    widen(dayNo)
  }
  for (const row of dailyMeans.all({ personId })) {
    const dayNo = dayNumber(row.day)
    let m = series.means.get(row.metric)
    if (!m) series.means.set(row.metric, m = new Map())
    m.set(dayNo, row.mean)
    widen(dayNo)
  }
  return series
}

/** Dose and value arrays for one supplement, metric and lag (empty when either is missing). */
export function pairSeries(series: PersonSeries, supplementId: string, metric: string, lag: number): { days: number[], dose: number[], value: number[] } {
  const out = { days: [] as number[], dose: [] as number[], value: [] as number[] }
  const doses = series.doses.get(supplementId)
  const means = series.means.get(metric)
  if (!doses || !means || series.first === null || series.last === null) return out
  for (let d = series.first; d <= series.last; d++) {
    const value = means.get(d + lag)
    if (value === undefined) continue
    out.days.push(d)
    out.dose.push(doses.get(d) ?? 0)
    out.value.push(value)
  }
  return out
}

export function toPairs(s: { days: number[], dose: number[], value: number[] }): Pair[] {
  return s.days.map((d, i) => ({ day: dayString(d), dose: s.dose[i]!, value: s.value[i]! }))
}

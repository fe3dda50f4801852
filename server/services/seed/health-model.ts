// How the synthetic people behave: per-metric baselines, day-to-day noise and weekly rhythm,
// and the planted effects, the only real supplement → metric relationships in the demo data.
// Correlation tests check that these are found and that the many other pairs mostly are not.
import type { MetricName } from '../health/catalog.ts'

export interface MetricModel {
  metric: MetricName
  source: string
  /** Person baseline: mean and spread across people, and bounds. */
  base: [mean: number, sd: number, min: number, max: number]
  /** Day-to-day standard deviation around the person's baseline (AR(1), phi 0.5). */
  dailySd: number
  /** Added on each weekday, Sunday first. */
  weekly: readonly number[]
  /** Hours of the day (UTC) at which readings are taken, and the offset each adds. */
  readings: readonly [hour: number, offset: number][]
  /** Standard deviation of a single reading around the day's level. */
  readingSd: number
  /** Share of people who track this metric, and share of days they measure. */
  trackedBy: number
  measuredDays: number
  decimals: number
  /** Random-walk step per day (weight drifts, heart rate does not). */
  drift?: number
}

export const METRIC_MODELS: readonly MetricModel[] = [
  { metric: 'resting_heart_rate', source: 'wearable', base: [62, 6, 45, 85], dailySd: 2.2, weekly: [-1, 0, 0, 0, 0, 0.5, -0.5], readings: [[7, 0]], readingSd: 0.8, trackedBy: 1, measuredDays: 0.95, decimals: 0 },
  { metric: 'hrv', source: 'wearable', base: [48, 14, 15, 120], dailySd: 7, weekly: [2, 0, 0, 0, 0, -1, 1], readings: [[7, 0]], readingSd: 2, trackedBy: 1, measuredDays: 0.95, decimals: 0 },
  { metric: 'sleep_minutes', source: 'wearable', base: [425, 25, 330, 510], dailySd: 32, weekly: [30, -5, 0, 0, 0, -5, 35], readings: [[7, 0]], readingSd: 0, trackedBy: 1, measuredDays: 0.93, decimals: 0 },
  { metric: 'steps', source: 'wearable', base: [8000, 2400, 2500, 16000], dailySd: 2000, weekly: [-1500, 0, 200, 0, 300, 500, 1200], readings: [[23, 0]], readingSd: 0, trackedBy: 1, measuredDays: 0.95, decimals: 0 },
  { metric: 'weight', source: 'scale', base: [78, 14, 48, 140], dailySd: 0.3, weekly: [0.2, 0.3, 0, 0, 0, 0, 0.1], readings: [[7, 0]], readingSd: 0.1, trackedBy: 0.7, measuredDays: 0.75, decimals: 1, drift: 0.06 },
  { metric: 'glucose', source: 'cgm', base: [100, 9, 82, 130], dailySd: 5, weekly: [0, 0, 0, 0, 0, 2, 2], readings: [[3, -8], [7, 0], [10, 28], [13, 12], [16, 22], [19, 18], [22, 6]], readingSd: 12, trackedBy: 0.3, measuredDays: 0.9, decimals: 0 },
  { metric: 'systolic_bp', source: 'bp-cuff', base: [122, 11, 100, 160], dailySd: 5, weekly: [0, 1, 0, 0, 0, 0, -1], readings: [[7, 0], [20, -3]], readingSd: 5, trackedBy: 0.5, measuredDays: 0.65, decimals: 0 },
  { metric: 'diastolic_bp', source: 'bp-cuff', base: [78, 7, 60, 100], dailySd: 3.5, weekly: [0, 1, 0, 0, 0, 0, -1], readings: [[7, 0], [20, -2]], readingSd: 3.5, trackedBy: 0.5, measuredDays: 0.65, decimals: 0 },
]

export interface EffectTemplate {
  supplementId: string
  metric: MetricName
  /** Days from the intake to the day whose metric moves (0: the same UTC day). */
  lagDays: number
  /** Added to the metric's daily level on the affected day. */
  size: number
}

export const EFFECT_TEMPLATES: readonly EffectTemplate[] = [
  { supplementId: 'magnesium', metric: 'sleep_minutes', lagDays: 1, size: 26 },
  { supplementId: 'caffeine', metric: 'resting_heart_rate', lagDays: 1, size: 3 },
  { supplementId: 'melatonin', metric: 'sleep_minutes', lagDays: 1, size: 30 },
  { supplementId: 'ashwagandha', metric: 'hrv', lagDays: 2, size: 7 },
  { supplementId: 'creatine', metric: 'weight', lagDays: 1, size: 0.5 },
  { supplementId: 'berberine', metric: 'glucose', lagDays: 0, size: -8 },
  { supplementId: 'omega_3', metric: 'systolic_bp', lagDays: 3, size: -6 },
  { supplementId: 'l_theanine', metric: 'hrv', lagDays: 1, size: 6 },
]

/** Every PLANTED_EVERY-th person (the first, the fifth, ...) carries one planted effect. */
export const PLANTED_EVERY = 4

export interface PlantedEffect extends EffectTemplate {
  personId: string
}

export function personRef(index: number): string {
  return `P${String(index + 1).padStart(5, '0')}`
}

/** The planted effect of the person at `index`, if any. */
export function effectFor(index: number): EffectTemplate | undefined {
  if (index % PLANTED_EVERY !== 0) return undefined
  return EFFECT_TEMPLATES[(index / PLANTED_EVERY) % EFFECT_TEMPLATES.length]
}

/** The documented ground truth of a seeded data set with `people` people. */
export function plantedEffects(people: number): PlantedEffect[] {
  const out: PlantedEffect[] = []
  for (let i = 0; i < people; i++) {
    const effect = effectFor(i)
    if (effect) out.push({ personId: personRef(i), ...effect })
  }
  return out
}

/** Supplements taken in the evening (21:00 UTC); the rest in the morning (08:00 UTC). */
export const EVENING_SUPPLEMENTS = new Set(['magnesium', 'melatonin', 'l_theanine', 'ashwagandha'])

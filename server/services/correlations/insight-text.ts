// Plain-language findings from significant correlations: "On days after magnesium glycinate,
// sleep was 24 minutes longer on average (r = 0.41, q = 0.003, 92 days)". Pure functions.
import { SUPPLEMENTS } from '../health/catalog.ts'

interface Phrase {
  label: string
  unit: string
  up: string
  down: string
}

const PHRASES: Record<string, Phrase> = {
  resting_heart_rate: { label: 'resting heart rate', unit: 'bpm', up: 'higher', down: 'lower' },
  hrv: { label: 'HRV', unit: 'ms', up: 'higher', down: 'lower' },
  sleep_minutes: { label: 'sleep', unit: 'minutes', up: 'longer', down: 'shorter' },
  steps: { label: 'the step count', unit: 'steps', up: 'higher', down: 'lower' },
  weight: { label: 'weight', unit: 'kg', up: 'higher', down: 'lower' },
  glucose: { label: 'glucose', unit: 'mg/dL', up: 'higher', down: 'lower' },
  systolic_bp: { label: 'systolic blood pressure', unit: 'mmHg', up: 'higher', down: 'lower' },
  diastolic_bp: { label: 'diastolic blood pressure', unit: 'mmHg', up: 'higher', down: 'lower' },
}

const WHEN = ['On days with', 'On days after', 'Two days after', 'Three days after']

export interface InsightInput {
  supplementId: string
  metric: string
  lagDays: number
  n: number
  pearsonR: number
  qValue: number
  effect: number | null
}

/** "Magnesium glycinate" reads as "magnesium glycinate" mid-sentence; "L-theanine" keeps its capital. */
function supplementName(id: string): string {
  const name = SUPPLEMENTS.find(s => s.id === id)?.name ?? id.replace(/_/g, ' ')
  return /^[A-Z][a-z]/.test(name) ? name[0]!.toLowerCase() + name.slice(1) : name
}

function magnitude(v: number): string {
  const a = Math.abs(v)
  return a >= 10 ? a.toFixed(0) : a.toFixed(1)
}

export function formatQ(q: number): string {
  return q < 0.001 ? 'q < 0.001' : `q = ${q.toFixed(3)}`
}

export function insightText(c: InsightInput): string {
  const p = PHRASES[c.metric] ?? { label: c.metric.replace(/_/g, ' '), unit: '', up: 'higher', down: 'lower' }
  const when = `${WHEN[c.lagDays] ?? `${c.lagDays} days after`} ${supplementName(c.supplementId)}`
  const stats = `(r = ${c.pearsonR.toFixed(2)}, ${formatQ(c.qValue)}, ${c.n} days)`
  // Every day had an intake, in varying doses: there is no "without" to compare against.
  if (c.effect === null) return `${when}, ${p.label} was ${c.pearsonR > 0 ? p.up : p.down} the larger the dose ${stats}`
  const unit = p.unit ? ` ${p.unit}` : ''
  return `${when}, ${p.label} was ${magnitude(c.effect)}${unit} ${c.effect >= 0 ? p.up : p.down} on average ${stats}`
}

/**
 * Confidence in a finding, 0..1: one minus its q-value, i.e. one minus the expected share of
 * false findings among those at least as strong.
 */
export function insightConfidence(qValue: number): number {
  return Math.round((1 - qValue) * 1000) / 1000
}

// The health-data, supplement, correlation and insight inputs (API.md, "Health data and
// supplements", "Correlations and insights"), parsed once at the edge.
import { z } from 'zod'
import { dayRange, oneOf, pagination, pastInstant, rangeInOrder, rangeIssue, storedText } from '../schemas.ts'
import { METRIC_NAMES, METRICS, SUPPLEMENTS } from './catalog.ts'

/** The source system's pseudonymous person id: no spaces, so never a name. */
export const personRef = storedText().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a pseudonymous id: 1 to 64 letters, digits, - or _')
export const metric = oneOf(METRIC_NAMES)
export const supplementId = oneOf(SUPPLEMENTS.map(s => s.id) as [string, ...string[]], 'the catalogue, GET /api/v1/supplements')

/** Readings and doses are stored in epoch milliseconds. */
const instant = pastInstant.transform(s => Date.parse(s))

export const HealthPointInput = z.object({
  personId: personRef,
  metric,
  value: z.number({ error: 'must be a number' }),
  at: instant,
  source: storedText().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits, or . _ : -'),
}).strict().superRefine((p, ctx) => {
  const m = METRICS[p.metric]
  if (p.value < m.min || p.value > m.max) ctx.addIssue({ code: 'custom', path: ['value'], message: `is not a plausible ${p.metric} (${m.min} to ${m.max} ${m.unit})` })
})
export type HealthPointInput = z.output<typeof HealthPointInput>

/** The largest single dose accepted in any unit (a typo guard, not a medical limit). */
const MAX_DOSE = 1_000_000

export const IntakeInput = z.object({
  personId: personRef,
  supplementId,
  takenAt: instant,
  dose: z.number({ error: 'must be a number' }).positive('must be positive').max(MAX_DOSE),
  unit: storedText().min(1).max(16),
}).strict().superRefine((intake, ctx) => {
  // Doses are summed per day for the correlations, so they must share a unit.
  const want = SUPPLEMENTS.find(s => s.id === intake.supplementId)?.defaultUnit
  if (want && intake.unit !== want) ctx.addIssue({ code: 'custom', path: ['unit'], message: `must be ${want} for ${intake.supplementId}` })
})
export type IntakeInput = z.output<typeof IntakeInput>

export const PeopleQuery = z.object(pagination)
export type PeopleQuery = z.output<typeof PeopleQuery>

export const HealthDataQuery = z.object({ personId: personRef, metric: metric.optional(), ...dayRange, ...pagination }).refine(rangeInOrder, rangeIssue)
export type HealthDataQuery = z.output<typeof HealthDataQuery>

export const BUCKETS = ['day', 'week', 'month'] as const
export type Bucket = (typeof BUCKETS)[number]

export const SummaryQuery = z.object({ personId: personRef, metric, ...dayRange, bucket: oneOf(BUCKETS).default('day') }).refine(rangeInOrder, rangeIssue)
export type SummaryQuery = z.output<typeof SummaryQuery>

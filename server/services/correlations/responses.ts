// What the correlations and insights routes answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { METRIC_NAMES } from '../health/catalog.ts'
import { Day, Instant, listOf } from '../responses.ts'

const probability = z.number().min(0).max(1)

export const Correlation = z.object({
  id: z.number().int(),
  personId: z.string(),
  supplementId: z.string(),
  metric: z.enum(METRIC_NAMES),
  lagDays: z.number().int().min(0),
  n: z.number().int().min(0),
  pearsonR: z.number().nullable(),
  spearmanRho: z.number().nullable(),
  pValue: probability.nullable(),
  qValue: probability.nullable(),
  ci95: z.array(z.number()).length(2).nullable().meta({ description: '[lo, hi]; null when pearsonR is (a constant series)' }),
  effect: z.number().nullable().meta({ description: 'mean metric on days after intake minus days without' }),
  computedAt: Instant,
}).meta({ id: 'Correlation' })

export const CorrelationList = listOf(Correlation)

export const CorrelationWithPairs = Correlation.extend({
  pairs: z.array(z.object({ day: Day, dose: z.number().min(0), value: z.number() })),
  stale: z.boolean().meta({ description: 'the data changed since computedAt' }),
}).meta({ id: 'CorrelationWithPairs' })

export const Insight = z.object({
  id: z.number().int(),
  personId: z.string(),
  text: z.string(),
  confidence: probability,
  correlationId: z.number().int(),
  supplementId: z.string(),
  metric: z.enum(METRIC_NAMES),
  lagDays: z.number().int().min(0),
  createdAt: Instant,
}).meta({ id: 'Insight' })

export const InsightList = listOf(Insight)

export const JobQueued = z.object({ jobId: z.number().int() }).meta({ id: 'JobQueued' })

// What the people, health data and supplement routes answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { Day, Instant, listOf } from '../responses.ts'
import { METRIC_NAMES } from './catalog.ts'
import { BUCKETS } from './schemas.ts'

const metric = z.enum(METRIC_NAMES)

export const Person = z.object({
  personId: z.string(),
  firstDay: Day.nullable(),
  lastDay: Day.nullable(),
  metrics: z.array(metric),
  supplements: z.array(z.string()),
}).meta({ id: 'Person' })

export const PeopleList = listOf(Person)

export const HealthPoint = z.object({
  id: z.number().int(),
  personId: z.string(),
  metric,
  value: z.number(),
  at: Instant,
  source: z.string(),
}).meta({ id: 'HealthPoint' })

export const HealthPointList = listOf(HealthPoint)

export const HealthSummary = z.object({
  personId: z.string(),
  metric,
  unit: z.string(),
  bucket: z.enum(BUCKETS),
  data: z.array(z.object({
    bucket: z.string().meta({ description: 'a day, a week\'s Monday or a month (`2026-03`)' }),
    avg: z.number(),
    min: z.number(),
    max: z.number(),
    count: z.number().int().min(0),
  })),
}).meta({ id: 'HealthSummary' })

export const Supplement = z.object({ id: z.string(), name: z.string(), defaultUnit: z.string(), description: z.string() }).meta({ id: 'Supplement' })

export const SupplementList = z.object({ data: z.array(Supplement) })

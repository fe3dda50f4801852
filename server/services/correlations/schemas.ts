// The correlations, recompute and insights inputs (API.md, "Correlations and insights").
import { z } from 'zod'
import { metric, personRef, supplementId } from '../health/schemas.ts'
import { numeric, pagination, queryBoolean } from '../schemas.ts'

export const CorrelationsQuery = z.object({
  personId: personRef.optional(),
  metric: metric.optional(),
  supplementId: supplementId.optional(),
  significant: queryBoolean.optional(),
  minAbsR: numeric().pipe(z.number().min(0).max(1)).optional(),
  ...pagination,
})
export type CorrelationsQuery = z.output<typeof CorrelationsQuery>

export const RecomputeBody = z.object({ personId: personRef.optional() }).strict()

export const InsightsQuery = z.object({ personId: personRef, ...pagination })
export type InsightsQuery = z.output<typeof InsightsQuery>

import { claimsMetrics } from '../../../services/claims/metrics.ts'
import { MetricsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler(event => claimsMetrics(parseQuery(event, MetricsQuery)))

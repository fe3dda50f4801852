import { claimsMetrics } from '../../../services/claims/metrics.ts'
import { MetricsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, MetricsQuery)
  return respondCached(event, 'claims:metrics', query, () => claimsMetrics(query))
})

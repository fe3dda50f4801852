// Prometheus scrape endpoint (admin key, like /api/v1/admin/**): request, cache, query and process metrics.
import { metricsText } from '../services/monitoring/prometheus.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { contentType, body } = await metricsText()
  setResponseHeader(event, 'Content-Type', contentType)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return body
})

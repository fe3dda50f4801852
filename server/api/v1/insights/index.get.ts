import { listInsights } from '../../../services/correlations/read.ts'
import { InsightsQuery } from '../../../services/correlations/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, InsightsQuery)
  const result = withCursor(() => listInsights(query))
  if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
  return result
})

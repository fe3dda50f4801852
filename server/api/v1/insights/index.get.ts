import { listInsights } from '../../../services/correlations/read.ts'
import { InsightsQuery } from '../../../services/correlations/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, InsightsQuery)
  return respondCached(event, 'correlations', { insights: query }, () => {
    const result = withCursor(() => listInsights(query))
    if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
    return result
  })
})

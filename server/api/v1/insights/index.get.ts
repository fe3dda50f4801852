import { listInsights } from '../../../services/correlations/read.ts'
import { InsightsQuery } from '../../../services/correlations/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, InsightsQuery)
  const result = await cachedResult(event, 'correlations', { insights: query }, () => {
    const page = withCursor(() => listInsights(query))
    if (!page) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
    return page
  })
  auditRead(event, 'read.insights', query.personId)
  return sendCached(event, 'correlations', result)
})

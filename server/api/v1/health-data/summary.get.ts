import { healthSummary } from '../../../services/health/read.ts'
import { SummaryQuery } from '../../../services/health/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, SummaryQuery)
  return respondCached(event, 'health:summary', query, () => {
    const result = healthSummary(query)
    if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
    return result
  })
})

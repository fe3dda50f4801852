import { listInsights } from '../../../services/correlations/read.ts'
import { InsightsQuery } from '../../../services/correlations/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, InsightsQuery)
  const result = await cachedResult(event, 'correlations', { insights: query }, () => found(listInsights(query), 'No person with that personId'))
  auditRead(event, 'read.insights', query.personId)
  return sendCached(event, 'correlations', result)
})

import { healthSummary } from '../../../services/health/read.ts'
import { SummaryQuery } from '../../../services/health/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, SummaryQuery)
  const result = await cachedResult(event, 'health:summary', query, async () => found(await healthSummary(query), 'No person with that personId'))
  // After the lookup, so a HIT is recorded as a read just as a computed answer is.
  auditRead(event, 'read.health-summary', query.personId, { metric: query.metric })
  return sendCached(event, 'health:summary', result)
})

import { listCorrelations } from '../../../services/correlations/read.ts'
import { CorrelationsQuery } from '../../../services/correlations/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, CorrelationsQuery)
  const result = await cachedResult(event, 'correlations', { list: query }, async () => found(await listCorrelations(query), 'No person with that personId'))
  // Unfiltered, the list spans everyone: recorded with no target.
  auditRead(event, 'read.correlations', query.personId ?? null)
  return sendCached(event, 'correlations', result)
})

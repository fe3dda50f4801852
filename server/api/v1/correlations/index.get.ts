import { listCorrelations } from '../../../services/correlations/read.ts'
import { CorrelationsQuery } from '../../../services/correlations/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, CorrelationsQuery)
  const result = await cachedResult(event, 'correlations', { list: query }, () => {
    const page = withCursor(() => listCorrelations(query))
    if (!page) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
    return page
  })
  // Unfiltered, the list spans everyone: recorded with no target.
  auditRead(event, 'read.correlations', query.personId ?? null)
  return sendCached(event, 'correlations', result)
})

import { listCorrelations } from '../../../services/correlations/read.ts'
import { CorrelationsQuery } from '../../../services/correlations/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, CorrelationsQuery)
  return respondCached(event, 'correlations', { list: query }, () => {
    const result = withCursor(() => listCorrelations(query))
    if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
    return result
  })
})

import { getCorrelation } from '../../../services/correlations/read.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  return respondCached(event, 'correlations', { item: id }, () => {
    const correlation = getCorrelation(id)
    if (!correlation) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No correlation with id ${id}` })
    return correlation
  })
})

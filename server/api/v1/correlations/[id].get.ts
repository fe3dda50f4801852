import { getCorrelation } from '../../../services/correlations/read.ts'
import { idParam } from '../../../services/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const result = await cachedResult(event, 'correlations', { item: id }, () => found(getCorrelation(id), `No correlation with id ${id}`), { metaOf: c => c.personId })
  // The person is kept beside the cached body, so a HIT names them without parsing it.
  auditRead(event, 'read.correlation', result.meta ?? null, { correlationId: id })
  return sendCached(event, 'correlations', result)
})

import { getClaim } from '../../../services/claims/read.ts'
import { idParam } from '../../../services/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const result = await cachedResult(event, 'claims:item', { id }, () => found(getClaim(id), `No claim with id ${id}`))
  auditRead(event, 'read.claim', `claim:${id}`)
  return sendCached(event, 'claims:item', result)
})

import { getClaim } from '../../../services/claims/read.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const result = await cachedResult(event, 'claims:item', { id }, () => {
    const claim = getClaim(id)
    if (!claim) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No claim with id ${id}` })
    return claim
  })
  auditRead(event, 'read.claim', `claim:${id}`)
  return sendCached(event, 'claims:item', result)
})

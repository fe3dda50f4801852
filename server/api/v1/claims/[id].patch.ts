import { PatchClaim } from '../../../services/claims/schemas.ts'
import { ClaimConflictError, patchClaim } from '../../../services/claims/update.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler(async (event) => {
  const { id } = parseParams(event, idParam)
  requireMediaType(event, ['application/json'])
  const patch = parseInput(PatchClaim, await readBody(event))
  try {
    const claim = patchClaim(id, patch)
    if (!claim) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No claim with id ${id}` })
    audit(event, 'claims.patch', `claim:${id}`, { fields: Object.keys(patch) })
    return claim
  }
  catch (error) {
    if (error instanceof ClaimConflictError) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: error.message })
    throw error
  }
})

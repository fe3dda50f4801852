import { getClaimRow } from '../../../services/claims/read.ts'
import { PatchClaim } from '../../../services/claims/schemas.ts'
import { ClaimConflictError, patchClaim } from '../../../services/claims/update.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  requireMediaType(event, ['application/json'])
  const patch = parseInput(PatchClaim, await readJsonBody(event))
  // Read first only to tell a change from a no-op: a no-op PATCH keeps the cache warm.
  const before = getClaimRow(id)
  try {
    const claim = patchClaim(id, patch)
    if (!claim) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No claim with id ${id}` })
    audit(event, 'claims.patch', `claim:${id}`, { fields: Object.keys(patch) })
    if (!before || before.status !== claim.status || before.denialReason !== claim.denialReason || before.paidCents !== claim.paidCents) await claimsChanged()
    return claim
  }
  catch (error) {
    if (error instanceof ClaimConflictError) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: error.message })
    throw error
  }
})

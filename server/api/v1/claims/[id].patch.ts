import { PatchClaim } from '../../../services/claims/schemas.ts'
import { ClaimConflictError, patchClaim } from '../../../services/claims/update.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  requireMediaType(event, ['application/json'])
  const patch = parseInput(PatchClaim, await readJsonBody(event))
  try {
    const outcome = patchClaim(id, patch, auditAs(event, 'claims.patch', () => ({ target: `claim:${id}`, detail: { fields: Object.keys(patch) } })))
    if (!outcome) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No claim with id ${id}` })
    // A no-op PATCH keeps the cache warm.
    if (outcome.changed) await claimsChanged()
    return outcome.claim
  }
  catch (error) {
    if (error instanceof ClaimConflictError) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: error.message })
    throw error
  }
})

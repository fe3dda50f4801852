import { PatchClaim } from '../../../services/claims/schemas.ts'
import { patchClaim } from '../../../services/claims/update.ts'
import { idParam } from '../../../services/schemas.ts'
import { found } from '../../../services/errors.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  requireMediaType(event, ['application/json'])
  const patch = parseInput(PatchClaim, await readJsonBody(event))
  // A refused change throws a conflict DomainError (409) from the service, before anything is written.
  const audit = auditAs(event, 'claims.patch', () => ({ target: `claim:${id}`, detail: { fields: Object.keys(patch) } }))
  const outcome = found(await writeTransaction(() => patchClaim(id, patch, audit)), `No claim with id ${id}`)
  // A no-op PATCH keeps the cache warm.
  if (outcome.changed) await claimsChanged()
  return outcome.claim
})

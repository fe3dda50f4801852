// PATCH /api/v1/claims/:id: status transitions, denial reason and paid amount. The rollup moves
// with the claim in the same transaction.
import type { ClaimStatus } from '../../database/schema.ts'
import { useConnection } from '../../database/client.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { DomainError } from '../errors.ts'
import { defineQuery } from '../query/index.ts'
import { accumulateClaim, applyRollup, type RollupAccumulator } from './rollup.ts'
import { getClaim, getClaimRow } from './read.ts'
import type { PatchClaim } from './schemas.ts'
import type { ClaimRow } from './row.ts'

/** Where a claim may go from each status; staying in the same status is always allowed. */
export const TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  submitted: ['pending', 'approved', 'denied'],
  pending: ['approved', 'denied'],
  approved: ['paid', 'denied'],
  denied: ['appealed'],
  appealed: ['approved', 'denied', 'paid'],
  paid: [],
}

/** A change the claim's state refuses: a 409. */
export class ClaimConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message)
  }
}

export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to)
}

const update = defineQuery<{ id: number, expected: ClaimStatus, at: number } & Pick<ClaimRow, 'status' | 'denialReason' | 'paidCents'>, { id: number }>('claims.update', `
  UPDATE claims SET status = @status, denial_reason = @denialReason, paid_cents = @paidCents, updated_at = @at
  WHERE id = @id AND status = @expected
  RETURNING id`)

/** The claim after the patch, and whether the patch changed it (a no-op keeps the cache warm). */
export interface PatchOutcome {
  claim: NonNullable<ReturnType<typeof getClaim>>
  changed: boolean
}

/**
 * Applies a patch. Returns undefined when the claim does not exist; throws ClaimConflictError
 * (409) when the change is impossible from the claim's current state.
 */
export function patchClaim(id: number, patch: PatchClaim, audit?: AuditOf<PatchOutcome>, now: number = Date.now()): PatchOutcome | undefined {
  return auditedTransaction((): PatchOutcome | undefined => {
    const before = getClaimRow(id)
    if (!before) return undefined
    const status = patch.status ?? before.status
    if (!canTransition(before.status, status)) {
      throw new ClaimConflictError(`A ${before.status} claim cannot become ${status} (allowed: ${TRANSITIONS[before.status].join(', ') || 'none'})`)
    }
    const denialReason = status === 'denied' ? (patch.denialReason ?? (before.status === 'denied' ? before.denialReason : null)) : null
    if (status === 'denied' && !denialReason) throw new ClaimConflictError('A denied claim needs a denialReason')
    if (status !== 'denied' && patch.denialReason) throw new ClaimConflictError(`denialReason is only kept on denied claims, and this claim would be ${status}`)
    const paidCents = patch.paidCents ?? before.paidCents
    if (paidCents > before.billedCents) throw new ClaimConflictError(`paidCents ${paidCents} exceeds billedCents ${before.billedCents}`)

    const changed = update.get({ id, expected: before.status, status, denialReason, paidCents, at: now })
    if (!changed) throw new ClaimConflictError('The claim changed while it was being updated; retry')
    const acc: RollupAccumulator = new Map()
    accumulateClaim(acc, before, -1)
    accumulateClaim(acc, { ...before, status, denialReason, paidCents }, 1)
    applyRollup(useConnection().sqlite, acc)
    return { claim: getClaim(id)!, changed: before.status !== status || before.denialReason !== denialReason || before.paidCents !== paidCents }
  }, audit)
}

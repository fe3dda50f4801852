// Every (from, to) pair of claim statuses through patchClaim, against the rules as the contract
// states them (server/api/v1/README.md, PATCH /claims/:id), written out here rather than read from
// update.ts's table, so a change to that table shows as a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimStatus } from '../../server/database/schema.ts'
import { CLAIM_STATUSES } from '../../server/database/schema.ts'
import { ClaimConflictError, patchClaim } from '../../server/services/claims/update.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

/** "submitted → pending, approved, denied; pending → approved, denied; approved → paid, denied; denied → appealed; appealed → approved, denied, paid; paid is final". */
const ALLOWED: Record<ClaimStatus, ClaimStatus[]> = {
  submitted: ['pending', 'approved', 'denied'],
  pending: ['approved', 'denied'],
  approved: ['paid', 'denied'],
  denied: ['appealed'],
  appealed: ['approved', 'denied', 'paid'],
  paid: [],
}

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn)
})
afterAll(() => db.dispose())

type Row = { id: number, status: string, denialReason: string | null, paidCents: number, billedCents: number }
const row = (id: number) => db.conn.sqlite.prepare('SELECT id, status, denial_reason AS denialReason, paid_cents AS paidCents, billed_cents AS billedCents FROM claims WHERE id = ?').get(id) as Row
const rollupOf = (status: string) => (db.conn.sqlite.prepare(`SELECT coalesce(sum(${status}), 0) AS n FROM claims_daily WHERE dim = 'payer'`).get() as { n: number }).n
const used = new Set<number>()
/** A claim in `status` that no earlier case has touched. */
function claimIn(status: ClaimStatus): Row {
  const rows = db.conn.sqlite.prepare('SELECT id FROM claims WHERE status = ? ORDER BY id').all(status) as { id: number }[]
  const free = rows.find(r => !used.has(r.id))!
  used.add(free.id)
  return row(free.id)
}

const PAIRS = CLAIM_STATUSES.flatMap(from => CLAIM_STATUSES.map(to => ({ from, to, allowed: from === to || ALLOWED[from].includes(to) })))

describe('status transitions', () => {
  it('covers all 36 pairs', () => expect(PAIRS).toHaveLength(36))

  it.each(PAIRS)('$from → $to: allowed $allowed', ({ from, to, allowed }) => {
    const before = claimIn(from)
    const patch = { status: to, ...(to === 'denied' ? { denialReason: 'CO-50' } : {}) }
    const counts = { from: rollupOf(from), to: rollupOf(to) }
    if (allowed) {
      const outcome = patchClaim(before.id, patch)!
      expect(outcome.claim.status).toBe(to)
      expect(row(before.id).status).toBe(to)
      // Leaving denied clears the reason; moving to (or staying) denied sets the one given.
      expect(row(before.id).denialReason).toBe(to === 'denied' ? 'CO-50' : null)
      // The rollup moves with the claim.
      if (from !== to) expect([rollupOf(from), rollupOf(to)]).toEqual([counts.from - 1, counts.to + 1])
    }
    else {
      expect(() => patchClaim(before.id, patch)).toThrow(ClaimConflictError)
      expect(() => patchClaim(before.id, patch)).toThrow(`A ${from} claim cannot become ${to}`)
      // Refused: nothing changed, neither the claim nor the rollup.
      expect(row(before.id)).toEqual(before)
      expect([rollupOf(from), rollupOf(to)]).toEqual([counts.from, counts.to])
    }
  })

  it('moving to denied needs a reason, and a reason is refused on any other status', () => {
    const submitted = claimIn('submitted')
    expect(() => patchClaim(submitted.id, { status: 'denied' })).toThrow('A denied claim needs a denialReason')
    expect(() => patchClaim(submitted.id, { status: 'pending', denialReason: 'CO-50' })).toThrow(/only kept on denied claims/)
    expect(row(submitted.id)).toEqual(submitted)
  })

  it('paidCents may not exceed billedCents', () => {
    const approved = claimIn('approved')
    expect(() => patchClaim(approved.id, { status: 'paid', paidCents: approved.billedCents + 1 })).toThrow(/exceeds billedCents/)
    expect(row(approved.id)).toEqual(approved)
    expect(patchClaim(approved.id, { status: 'paid', paidCents: approved.billedCents })!.claim.paidCents).toBe(approved.billedCents)
  })
})

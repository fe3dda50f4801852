// A small, deterministic claims fixture for unit tests, written straight into the tables (the
// seeder is tested on its own). Few providers, payers and reasons, so each filter matches many rows.
// It has the real data's correlations that an index planner assuming independence trips on: a
// provider's amounts follow its specialty (provider n bills 10n–10n+9 dollars), and a claim is
// submitted three to four days after its visit, so submitted_at follows date_of_service.
import { afterAll, beforeAll } from 'vitest'
import type { Connection } from '../../server/database/connection.ts'
import { configurePlanner } from '../../server/services/claims/planner.ts'
import { stopOffThreadWorker } from '../../server/services/query/off-thread.ts'
import { tempDatabase } from './helpers.ts'
import { accumulateClaim, applyRollup, type RollupAccumulator } from '../../server/services/claims/rollup.ts'
import type { ClaimStatus } from '../../server/database/schema.ts'

export const PAYERS = ['Aetna', 'Cigna', 'Medicare']
export const REASONS = ['CO-16', 'CO-97']
const STATUSES: ClaimStatus[] = ['paid', 'paid', 'paid', 'approved', 'denied', 'pending', 'submitted', 'appealed']

export function insertFixture(conn: Connection, count = 3000): void {
  let state = 12345
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  const provider = conn.sqlite.prepare(`INSERT INTO providers (id, npi, name, specialty, state) VALUES (?, ?, ?, 'Family Medicine', 'OR')`)
  for (let id = 1; id <= 5; id++) provider.run(id, String(1000000000 + id), `Clinic ${id}`)
  const insert = conn.sqlite.prepare(`INSERT INTO claims (source, source_id, provider_id, payer, patient_ref, cpt_code, date_of_service, submitted_at, status, denial_reason, billed_cents, paid_cents)
    VALUES ('fixture', ?, ?, ?, ?, '99213', ?, ?, ?, ?, ?, ?)`)
  const acc: RollupAccumulator = new Map()
  conn.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 180) * 86_400_000).toISOString().slice(0, 10)
      const status = STATUSES[Math.floor(next() * STATUSES.length)]!
      const providerId = 1 + Math.floor(next() * 5)
      const billed = providerId * 1000 + Math.floor(next() * 10) * 100 // repeats, so ties on the sort key occur
      const claim = {
        providerId,
        payer: PAYERS[Math.floor(next() * PAYERS.length)]!,
        dateOfService: day,
        status,
        denialReason: status === 'denied' ? REASONS[Math.floor(next() * REASONS.length)]! : null,
        billedCents: billed,
        paidCents: status === 'paid' ? Math.floor(billed * 0.8) : 0,
        submittedAt: Date.parse(day) + 3 * 86_400_000 + Math.floor(next() * 1000) * 1000,
      }
      insert.run(`c${i}`, claim.providerId, claim.payer, `PT-${i % 400}`, day, claim.submittedAt, status, claim.denialReason, claim.billedCents, claim.paidCents)
      accumulateClaim(acc, claim)
    }
    applyRollup(conn.sqlite, acc)
  })()
}

/**
 * For one test file: a temporary database holding the fixture, analysed, with a small probe cap
 * so the planner's capped walks happen at this size; the off-thread reader is stopped after.
 */
export function useClaimsFixture(): void {
  let db: ReturnType<typeof tempDatabase>
  beforeAll(() => {
    db = tempDatabase()
    insertFixture(db.conn)
    db.conn.sqlite.exec('ANALYZE')
    configurePlanner({ probeCap: 40 })
  })
  afterAll(async () => {
    await stopOffThreadWorker()
    db.dispose()
  })
}

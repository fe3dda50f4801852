// The claims daily rollup (table claims_daily): every claim counts once along each dimension.
// Writers accumulate deltas for the claims they insert, update or remove and apply them in the
// same transaction, so metrics read from the rollup always agree with the claims table.
import type { RollupDimension } from '../../database/schema.ts'
import type { MetricsFields } from './responses.ts'
import type { ClaimRow } from './row.ts'
import type { Sqlite } from '../../database/connection.ts'
import { preparedStatement } from '../../database/statements.ts'
import { defineStatement, measured } from '../query/index.ts'

export type RollupClaim = Pick<ClaimRow, 'providerId' | 'payer' | 'dateOfService' | 'status' | 'denialReason' | 'billedCents' | 'paidCents'> & {
  /** Milliseconds; widens the row's submitted_at bounds. A writer that omits it leaves them unknown. */
  submittedAt?: number
}

/** The metrics' counters (all but the rate, which is computed on read) and the row's bounds. */
export type RollupDelta = Omit<MetricsFields, 'denialRate'> & {
  /** Bounds of the added claims' submitted_at; null when none was added (or one came without it). */
  minSubmittedAt: number | null
  maxSubmittedAt: number | null
  /** An added claim came without submittedAt: the row's bounds become unknown. */
  unknownBounds: boolean
}

/** Deltas keyed by `${dim}\u0000${day}\u0000${key}`. */
export type RollupAccumulator = Map<string, RollupDelta>

const SEP = '\u0000'

function emptyDelta(): RollupDelta {
  return { claims: 0, submitted: 0, pending: 0, approved: 0, denied: 0, paid: 0, appealed: 0, billedCents: 0, paidCents: 0, deniedCents: 0, minSubmittedAt: null, maxSubmittedAt: null, unknownBounds: false }
}

function keysOf(claim: RollupClaim): [RollupDimension, string][] {
  return [
    ['provider', String(claim.providerId)],
    ['payer', claim.payer],
    ['denial_reason', claim.denialReason ?? ''],
  ]
}

/** Adds (sign 1) or removes (sign -1) one claim's contribution. */
export function accumulateClaim(acc: RollupAccumulator, claim: RollupClaim, sign: 1 | -1 = 1): void {
  for (const [dim, key] of keysOf(claim)) {
    const id = dim + SEP + claim.dateOfService + SEP + key
    let delta = acc.get(id)
    if (!delta) {
      delta = emptyDelta()
      acc.set(id, delta)
    }
    delta.claims += sign
    delta[claim.status] += sign
    delta.billedCents += sign * claim.billedCents
    delta.paidCents += sign * claim.paidCents
    if (claim.status === 'denied') delta.deniedCents += sign * claim.billedCents
    // Removing a claim leaves the bounds as they are: wider than needed, never wrong.
    if (sign === 1) widen(delta, claim.submittedAt)
  }
}

function widen(delta: RollupDelta, at: number | undefined): void {
  if (at === undefined) {
    delta.unknownBounds = true
    return
  }
  if (delta.minSubmittedAt === null || at < delta.minSubmittedAt) delta.minSubmittedAt = at
  if (delta.maxSubmittedAt === null || at > delta.maxSubmittedAt) delta.maxSubmittedAt = at
}

// Bounds: a new row takes the batch's; an existing row widens to include them. SQLite's
// two-argument min()/max() return NULL when either side is NULL, so an unknown bound (NULL)
// stays unknown; a delta that adds no claim (NULL with the 'keep' flag) leaves the row's as
// they are.
const UPSERT_SQL = `
INSERT INTO claims_daily (dim, day, key, claims, submitted, pending, approved, denied, paid, appealed, billed_cents, paid_cents, denied_cents,
  min_submitted_at, max_submitted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dim, day, key) DO UPDATE SET
  claims = claims + excluded.claims,
  submitted = submitted + excluded.submitted,
  pending = pending + excluded.pending,
  approved = approved + excluded.approved,
  denied = denied + excluded.denied,
  paid = paid + excluded.paid,
  appealed = appealed + excluded.appealed,
  billed_cents = billed_cents + excluded.billed_cents,
  paid_cents = paid_cents + excluded.paid_cents,
  denied_cents = denied_cents + excluded.denied_cents,
  min_submitted_at = CASE WHEN ? THEN min_submitted_at ELSE min(min_submitted_at, excluded.min_submitted_at) END,
  max_submitted_at = CASE WHEN ? THEN max_submitted_at ELSE max(max_submitted_at, excluded.max_submitted_at) END`

const PRUNE_SQL = 'DELETE FROM claims_daily WHERE dim = ? AND day = ? AND key = ? AND claims = 0'
const upsertStatement = defineStatement('claims.rollup.upsert', UPSERT_SQL)
const pruneStatement = defineStatement('claims.rollup.prune', PRUNE_SQL)

/**
 * Applies the accumulated deltas. Call inside the transaction that wrote the claims.
 * Rows that drop to zero claims are removed, so the rollup holds no empty days.
 */
export function applyRollup(sqlite: Sqlite, acc: RollupAccumulator): number {
  const emptied: [string, string, string][] = []
  const rows = measured(upsertStatement, sqlite, () => upsertAll(sqlite, acc, emptied), n => n)
  // Rows that may have dropped to zero claims, pruned as a batch of their own.
  if (emptied.length) {
    const prune = preparedStatement(sqlite, PRUNE_SQL)
    measured(pruneStatement, sqlite, () => emptied.reduce((n, [dim, day, key]) => n + prune.run(dim, day, key).changes, 0), n => n)
  }
  return rows
}

function upsertAll(sqlite: Sqlite, acc: RollupAccumulator, emptied: [string, string, string][]): number {
  const upsert = preparedStatement(sqlite, UPSERT_SQL)
  let rows = 0
  for (const [id, d] of acc) {
    if (d.claims === 0 && d.billedCents === 0 && d.paidCents === 0 && d.submitted === 0 && d.pending === 0
      && d.approved === 0 && d.denied === 0 && d.paid === 0 && d.appealed === 0 && d.minSubmittedAt === null && !d.unknownBounds) continue
    const [dim, day, key] = id.split(SEP) as [string, string, string]
    // keep: this delta only removed claims, so the row's bounds stay; otherwise they widen
    // (or become unknown when a claim came without its submission time).
    const keep = d.minSubmittedAt === null && !d.unknownBounds ? 1 : 0
    const min = d.unknownBounds ? null : d.minSubmittedAt
    const max = d.unknownBounds ? null : d.maxSubmittedAt
    upsert.run(dim, day, key, d.claims, d.submitted, d.pending, d.approved, d.denied, d.paid, d.appealed, d.billedCents, d.paidCents, d.deniedCents,
      min, max, keep, keep)
    if (d.claims < 0) emptied.push([dim, day, key])
    rows++
  }
  return rows
}

const REBUILD_DIMENSIONS: [RollupDimension, string][] = [
  ['provider', 'CAST(provider_id AS TEXT)'],
  ['payer', 'payer'],
  ['denial_reason', `coalesce(denial_reason, '')`],
]
const rebuildDelete = defineStatement('claims.rollup.rebuild.delete', 'DELETE FROM claims_daily')
const rebuildInserts = REBUILD_DIMENSIONS.map(([dim, expr]) => defineStatement(`claims.rollup.rebuild[${dim}]`, `
        INSERT INTO claims_daily (dim, day, key, claims, submitted, pending, approved, denied, paid, appealed, billed_cents, paid_cents, denied_cents,
          min_submitted_at, max_submitted_at)
        SELECT '${dim}', date_of_service, ${expr}, count(*),
          sum(status = 'submitted'), sum(status = 'pending'), sum(status = 'approved'), sum(status = 'denied'),
          sum(status = 'paid'), sum(status = 'appealed'), sum(billed_cents), sum(paid_cents),
          sum(CASE WHEN status = 'denied' THEN billed_cents ELSE 0 END), min(submitted_at), max(submitted_at)
        FROM claims GROUP BY date_of_service, ${expr}`))

/** Rebuilds the whole rollup from the claims table (used by the consistency check and repair). */
export function rebuildClaimsRollup(sqlite: Sqlite): void {
  const changes = (r: { changes: number }) => r.changes
  sqlite.transaction(() => {
    measured(rebuildDelete, sqlite, () => sqlite.prepare(rebuildDelete.sql).run(), changes)
    for (const statement of rebuildInserts) measured(statement, sqlite, () => sqlite.prepare(statement.sql).run(), changes)
  })()
}

// The rollup consistency check: claims_daily and health_daily must equal what their raw rows
// give. Writers keep them in step in the same transaction, so a mismatch means a bug or a write
// that bypassed the services (the sqlite3 CLI); the check counts the mismatches and, when asked,
// repairs them. It reads every raw row, so it runs on the job worker thread, never in a request.
import { useConnection } from '../../database/client.ts'
import { rebuildClaimsRollup } from '../claims/rollup.ts'
import { recomputeHealthDays } from '../health/rollup.ts'
import { defineQuery, inTransaction } from '../query/index.ts'

const CLAIMS_COLUMNS = `claims, submitted, pending, approved, denied, paid, appealed, billed_cents, paid_cents, denied_cents`
const claimsRaw = (dim: string, key: string) => `SELECT '${dim}' AS dim, date_of_service AS day, ${key} AS key, count(*) AS claims,
  sum(status = 'submitted') AS submitted, sum(status = 'pending') AS pending, sum(status = 'approved') AS approved,
  sum(status = 'denied') AS denied, sum(status = 'paid') AS paid, sum(status = 'appealed') AS appealed,
  sum(billed_cents) AS billed_cents, sum(paid_cents) AS paid_cents, sum(CASE WHEN status = 'denied' THEN billed_cents ELSE 0 END) AS denied_cents
  FROM claims GROUP BY date_of_service, ${key}`

// Integers all through, so an exact EXCEPT in both directions is the symmetric difference.
const claimsMismatches = defineQuery<Record<string, never>, { n: number }>('jobs.rollupCheck.claims', `
  WITH raw AS MATERIALIZED (${claimsRaw('provider', 'CAST(provider_id AS TEXT)')} UNION ALL ${claimsRaw('payer', 'payer')}
      UNION ALL ${claimsRaw('denial_reason', `coalesce(denial_reason, '')`)}),
    roll AS MATERIALIZED (SELECT dim, day, key, ${CLAIMS_COLUMNS} FROM claims_daily)
  SELECT count(*) AS n FROM (
    SELECT dim, day, key FROM (SELECT * FROM raw EXCEPT SELECT * FROM roll)
    UNION SELECT dim, day, key FROM (SELECT * FROM roll EXCEPT SELECT * FROM raw))`)

// Sums of REAL values depend on the order they were added in: compare them with a tolerance.
const healthMismatches = defineQuery<{ limit: number }, { personId: number, metric: string, day: string }>('jobs.rollupCheck.health', `
  WITH raw AS MATERIALIZED (SELECT person_id, metric, date(at / 1000, 'unixepoch') AS day, count(*) AS count, sum(value) AS sum,
      min(value) AS min, max(value) AS max FROM health_data_points GROUP BY person_id, metric, day)
  SELECT r.person_id AS personId, r.metric, r.day FROM raw AS r
    LEFT JOIN health_daily AS d ON d.person_id = r.person_id AND d.metric = r.metric AND d.day = r.day
    WHERE d.count IS NOT r.count OR d.min IS NOT r.min OR d.max IS NOT r.max OR abs(d.sum - r.sum) > 1e-9 * max(1, abs(r.sum))
  UNION
  SELECT d.person_id, d.metric, d.day FROM health_daily AS d WHERE NOT EXISTS (SELECT 1 FROM health_data_points AS h
    WHERE h.person_id = d.person_id AND h.metric = d.metric AND h.at >= unixepoch(d.day) * 1000 AND h.at < unixepoch(d.day) * 1000 + 86400000)
  LIMIT @limit`)

/** Repairs at most this many health days per run; a larger drift is better rebuilt by an operator. */
const MAX_HEALTH_REPAIRS = 100_000

export interface RollupCheckResult {
  claims: { mismatches: number, repaired: boolean }
  health: { mismatches: number, repaired: number }
}

export function checkRollups(options: { repair: boolean }): RollupCheckResult {
  const claims = claimsMismatches.get({})!.n
  const health = healthMismatches.all({ limit: MAX_HEALTH_REPAIRS })
  const result: RollupCheckResult = { claims: { mismatches: claims, repaired: false }, health: { mismatches: health.length, repaired: 0 } }
  if (!options.repair) return result
  if (claims > 0) {
    rebuildClaimsRollup(useConnection().sqlite)
    result.claims.repaired = true
  }
  if (health.length > 0) {
    result.health.repaired = inTransaction(() => recomputeHealthDays(useConnection().sqlite, health.map(k => `${k.personId}|${k.metric}|${k.day}`)).recomputed)
  }
  return result
}

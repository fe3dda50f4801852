// A claim as stored and as the API shows it (API.md: "A claim").
import type { Claim as ClaimRecord } from '../../database/schema.ts'
import type { Claim } from './responses.ts'

export type { Claim }

export const CLAIM_COLUMNS = 'id, source, source_id AS sourceId, provider_id AS providerId, payer, patient_ref AS patientRef, '
  + 'cpt_code AS cptCode, date_of_service AS dateOfService, submitted_at AS submittedAt, status, '
  + 'denial_reason AS denialReason, billed_cents AS billedCents, paid_cents AS paidCents'

/** A row as SELECT CLAIM_COLUMNS returns it: the API's fields with their stored types (submittedAt
 * in epoch milliseconds), taken from the table's own row type. */
export type ClaimRow = Pick<ClaimRecord, keyof Claim>

export function toClaim(row: ClaimRow): Claim {
  return { ...row, submittedAt: new Date(row.submittedAt).toISOString() }
}

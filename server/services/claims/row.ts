// A claim as stored and as the API shows it (API.md: "A claim").
import type { ClaimStatus } from '../../database/schema.ts'

export const CLAIM_COLUMNS = 'id, source, source_id AS sourceId, provider_id AS providerId, payer, patient_ref AS patientRef, '
  + 'cpt_code AS cptCode, date_of_service AS dateOfService, submitted_at AS submittedAt, status, '
  + 'denial_reason AS denialReason, billed_cents AS billedCents, paid_cents AS paidCents'

/** A row as SELECT CLAIM_COLUMNS returns it: submittedAt in epoch milliseconds. */
export interface ClaimRow {
  id: number
  source: string
  sourceId: string
  providerId: number
  payer: string
  patientRef: string
  cptCode: string
  dateOfService: string
  submittedAt: number
  status: ClaimStatus
  denialReason: string | null
  billedCents: number
  paidCents: number
}

export type Claim = Omit<ClaimRow, 'submittedAt'> & { submittedAt: string }

export function toClaim(row: ClaimRow): Claim {
  return { ...row, submittedAt: new Date(row.submittedAt).toISOString() }
}

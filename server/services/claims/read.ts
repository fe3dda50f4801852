// One claim with its provider.
import { defineQuery } from '../query/index.ts'
import type { ProviderRow } from '../providers/index.ts'
import { CLAIM_COLUMNS, toClaim, type Claim, type ClaimRow } from './row.ts'

const byId = defineQuery<{ id: number }, ClaimRow>('claims.byId', `SELECT ${CLAIM_COLUMNS} FROM claims WHERE id = @id`)
const provider = defineQuery<{ id: number }, ProviderRow>('claims.byId.provider', 'SELECT id, npi, name, specialty, state FROM providers WHERE id = @id')

export function getClaim(id: number): (Claim & { provider: ProviderRow | null }) | undefined {
  const row = byId.get({ id })
  if (!row) return undefined
  return { ...toClaim(row), provider: provider.get({ id: row.providerId }) ?? null }
}

export function getClaimRow(id: number): ClaimRow | undefined {
  return byId.get({ id })
}

// What the claims and providers routes answer, as zod schemas: the OpenAPI document's response
// schemas (services/contract) and what the contract test checks real answers against.
import { z } from 'zod'
import { CLAIM_STATUSES } from '../../database/schema.ts'
import { Day, Instant, listOf } from '../responses.ts'
import { GROUP_BYS } from './schemas.ts'

const count = z.number().int().min(0)
const cents = z.number().int().min(0)
const rate = z.number().min(0).max(1)

export const Provider = z.object({ id: z.number().int(), npi: z.string(), name: z.string(), specialty: z.string(), state: z.string() }).meta({ id: 'Provider' })

export const ProviderWithTotals = Provider.extend({
  totals: z.object({ claims: count, denied: count, billedCents: cents, paidCents: cents, deniedCents: cents, denialRate: rate, firstDay: Day.nullable(), lastDay: Day.nullable() }),
}).meta({ id: 'ProviderWithTotals' })

export const ProviderList = listOf(Provider)

// The TypeScript types of these answers, for services and the dashboard alike (`import type`):
// derived from the schemas the OpenAPI document is generated from, so they are the contract.
export type Provider = z.infer<typeof Provider>
export type ProviderWithTotals = z.infer<typeof ProviderWithTotals>
export type ProviderTotals = ProviderWithTotals['totals']

export const Claim = z.object({
  id: z.number().int(),
  source: z.string(),
  sourceId: z.string(),
  providerId: z.number().int(),
  payer: z.string(),
  patientRef: z.string().meta({ description: 'a pseudonymous id, never a name' }),
  cptCode: z.string(),
  dateOfService: Day,
  submittedAt: Instant,
  status: z.enum(CLAIM_STATUSES),
  denialReason: z.string().nullable().meta({ description: 'null unless denied' }),
  billedCents: cents,
  paidCents: cents,
}).meta({ id: 'Claim' })

export const ClaimWithProvider = Claim.extend({ provider: Provider }).meta({ id: 'ClaimWithProvider' })

export const ClaimList = listOf(Claim)

export type Claim = z.infer<typeof Claim>
export type ClaimWithProvider = z.infer<typeof ClaimWithProvider>
export type ClaimList = z.infer<typeof ClaimList>

const MetricsFields = {
  claims: count, submitted: count, pending: count, approved: count, denied: count, paid: count, appealed: count,
  billedCents: cents, paidCents: cents, deniedCents: cents, denialRate: rate,
}

export const ClaimsMetrics = z.object({
  from: Day,
  to: Day,
  groupBy: z.enum(GROUP_BYS),
  totals: z.object(MetricsFields),
  series: z.array(z.object({ key: z.string().meta({ description: 'a day, a week\'s Monday, a month (`2026-03`), a provider id, a payer or a denial reason' }), ...MetricsFields })),
}).meta({ id: 'ClaimsMetrics' })

export type ClaimsMetrics = z.infer<typeof ClaimsMetrics>
export type MetricsFields = ClaimsMetrics['totals']
export type MetricsSeriesRow = ClaimsMetrics['series'][number]

export const DenialPatterns = z.object({
  from: Day,
  to: Day,
  previous: z.object({ from: Day, to: Day }),
  totalDenied: count,
  data: z.array(z.object({
    denialReason: z.string(),
    providerId: z.number().int(),
    providerName: z.string(),
    payer: z.string(),
    count,
    share: rate,
    deniedCents: cents,
    previousCount: count,
    trend: z.number().nullable().meta({ description: '(count − previousCount) ÷ previousCount; null when the previous period had none' }),
  })),
}).meta({ id: 'DenialPatterns' })

export type DenialPatterns = z.infer<typeof DenialPatterns>

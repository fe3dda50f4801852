// The claims API's inputs, parsed once at the edge (API.md, Claims). Routes pass these schemas
// to parseQuery/parseInput; services receive the parsed, typed values.
import { z } from 'zod'
import { CLAIM_STATUSES } from '../../database/schema.ts'
import { dayRange, numeric, oneOf, oneOrMany, pagination, pastDay, pastInstant, queryBoolean, rangeInOrder, rangeIssue, storedText } from '../schemas.ts'

export const SORT_KEYS = ['dateOfService', 'billedCents', 'submittedAt'] as const
export type SortKey = (typeof SORT_KEYS)[number]

export const GROUP_BYS = ['day', 'week', 'month', 'provider', 'payer', 'denialReason'] as const
export type GroupBy = (typeof GROUP_BYS)[number]

export const MAX_CENTS = 10_000_000_000 // $100M: no single claim is larger

const cents = numeric().pipe(z.number().int('must be whole cents').min(0).max(MAX_CENTS))
const providerId = numeric().pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
const denialReasonCode = storedText().regex(/^(CO|PR|OA|PI|CR)-[A-Z0-9]{1,4}$/, 'must be a CARC code like CO-16 or PR-1')
const payer = storedText().trim().min(1).max(64)
const status = oneOf(CLAIM_STATUSES)

export const CLAIM_SORTS = ['dateOfService', '-dateOfService', 'billedCents', '-billedCents', 'submittedAt', '-submittedAt'] as const

/** The list's filters and sort: GET /claims pages them, GET /claims/export streams them all. */
const claimFilters = {
  ...dayRange,
  status: oneOrMany(status, CLAIM_STATUSES.length).optional(),
  providerId: providerId.optional(),
  payer: payer.optional(),
  denialReason: denialReasonCode.optional(),
  minBilledCents: cents.optional(),
  maxBilledCents: cents.optional(),
  sort: oneOf(CLAIM_SORTS).default('-dateOfService'),
}
const billedInOrder = (q: { minBilledCents?: number, maxBilledCents?: number }) => q.minBilledCents === undefined || q.maxBilledCents === undefined || q.minBilledCents <= q.maxBilledCents
const billedIssue = { message: 'must not exceed maxBilledCents', path: ['minBilledCents'] }

export const ListClaimsQuery = z.object({ ...claimFilters, ...pagination })
  .refine(rangeInOrder, rangeIssue).refine(billedInOrder, billedIssue)
export type ListClaimsQuery = z.output<typeof ListClaimsQuery>

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const

export const ExportClaimsQuery = z.object({ ...claimFilters, format: oneOf(EXPORT_FORMATS).default('csv') })
  .refine(rangeInOrder, rangeIssue).refine(billedInOrder, billedIssue)
export type ExportClaimsQuery = z.output<typeof ExportClaimsQuery>

export const MetricsQuery = z.object({ ...dayRange, groupBy: oneOf(GROUP_BYS).default('month') }).refine(rangeInOrder, rangeIssue)
export type MetricsQuery = z.output<typeof MetricsQuery>

export const DenialPatternsQuery = z.object({
  ...dayRange,
  limit: numeric().pipe(z.number().int().min(1).max(500)).default(20),
  minCount: numeric().pipe(z.number().int().min(1).max(1_000_000)).default(2),
}).refine(rangeInOrder, rangeIssue)
export type DenialPatternsQuery = z.output<typeof DenialPatternsQuery>

/** One claim as a client sends it. patientRef is pseudonymous: no spaces, so no names. */
export const ClaimInput = z.object({
  source: storedText().trim().min(1).max(64),
  sourceId: storedText().trim().min(1).max(128),
  providerId,
  payer,
  patientRef: storedText().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a pseudonymous id (letters, digits, - or _)'),
  cptCode: storedText().regex(/^\d{4}[0-9A-Z]$/, 'must be a 5-character CPT code'),
  dateOfService: pastDay,
  submittedAt: pastInstant,
  status,
  denialReason: denialReasonCode.nullish(),
  billedCents: cents,
  paidCents: cents.default(0),
}).strict().superRefine((c, ctx) => {
  if (c.status === 'denied' && !c.denialReason) ctx.addIssue({ code: 'custom', path: ['denialReason'], message: 'is required when status is denied' })
  if (c.status !== 'denied' && c.denialReason) ctx.addIssue({ code: 'custom', path: ['denialReason'], message: 'must be empty unless status is denied' })
  if (c.billedCents >= 0 && c.paidCents > c.billedCents) ctx.addIssue({ code: 'custom', path: ['paidCents'], message: 'must not exceed billedCents' })
})
export type ClaimInput = z.output<typeof ClaimInput>

export const PatchClaim = z.object({
  status: status.optional(),
  denialReason: denialReasonCode.nullable().optional(),
  paidCents: cents.optional(),
}).strict().refine(p => Object.keys(p).length > 0, 'must change status, denialReason or paidCents')
export type PatchClaim = z.output<typeof PatchClaim>

export { queryBoolean }

// The claims explorer's state lives in the URL query: filters, sort and the page cursor. These
// functions read it from a route query, write it back without empty values, and build the API's
// query from it.
import { CLAIM_STATUSES } from '../contract/claim-statuses.ts'

export { CLAIM_STATUSES }
export const CLAIM_SORTS = [
  { value: '-dateOfService', label: 'Date of service, newest first' },
  { value: 'dateOfService', label: 'Date of service, oldest first' },
  { value: '-billedCents', label: 'Billed, highest first' },
  { value: 'billedCents', label: 'Billed, lowest first' },
  { value: '-submittedAt', label: 'Submitted, newest first' },
  { value: 'submittedAt', label: 'Submitted, oldest first' },
] as const
export const DEFAULT_SORT = '-dateOfService'

export interface ClaimFilters {
  status: string[]
  providerId: string
  payer: string
  denialReason: string
  from: string
  to: string
  /** Dollars as typed; the API takes cents. */
  minBilled: string
  maxBilled: string
  sort: string
}

type RouteQuery = Record<string, unknown>

const first = (v: unknown): string => {
  const value = Array.isArray(v) ? v[0] : v
  return typeof value === 'string' ? value : ''
}

export function filtersFromQuery(query: RouteQuery): ClaimFilters {
  const status = ([] as unknown[]).concat(query.status ?? [])
    .filter((s): s is string => typeof s === 'string' && (CLAIM_STATUSES as readonly string[]).includes(s))
  const sort = first(query.sort)
  return {
    status: [...new Set(status)],
    providerId: first(query.providerId),
    payer: first(query.payer),
    denialReason: first(query.denialReason),
    from: first(query.from),
    to: first(query.to),
    minBilled: first(query.minBilled),
    maxBilled: first(query.maxBilled),
    sort: CLAIM_SORTS.some(s => s.value === sort) ? sort : DEFAULT_SORT,
  }
}

/** The route query for these filters: empty values and the default sort are left out. */
export function filtersToQuery(f: ClaimFilters, cursor?: string): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {}
  if (f.status.length) q.status = f.status.length === 1 ? f.status[0]! : [...f.status]
  for (const key of ['providerId', 'payer', 'denialReason', 'from', 'to', 'minBilled', 'maxBilled'] as const) {
    const v = f[key].trim()
    if (v) q[key] = v
  }
  if (f.sort && f.sort !== DEFAULT_SORT) q.sort = f.sort
  if (cursor) q.cursor = cursor
  return q
}

/** Dollars as typed ("1,250.50") to whole cents, or undefined when not a number. */
export function dollarsToCents(text: string): number | undefined {
  const cleaned = text.replace(/[$,\s]/g, '')
  if (!cleaned || !/^\d+(\.\d{0,2})?$/.test(cleaned)) return undefined
  return Math.round(Number(cleaned) * 100)
}

/**
 * The GET /api/v1/claims query for these filters (without cursor and limit). An amount that is
 * not a number of dollars is sent as typed, so that the API's 400 names its field and the
 * explorer can flag it (fieldIssues) instead of quietly listing every claim.
 */
export function filtersToApi(f: ClaimFilters): Record<string, string | number | string[]> {
  const q: Record<string, string | number | string[]> = { sort: f.sort }
  if (f.status.length) q.status = [...f.status]
  if (f.providerId.trim()) q.providerId = f.providerId.trim()
  if (f.payer.trim()) q.payer = f.payer.trim()
  if (f.denialReason.trim()) q.denialReason = f.denialReason.trim().toUpperCase()
  if (f.from) q.from = f.from
  if (f.to) q.to = f.to
  const min = dollarsToCents(f.minBilled)
  const max = dollarsToCents(f.maxBilled)
  if (f.minBilled.trim()) q.minBilledCents = min ?? f.minBilled.trim()
  if (f.maxBilled.trim()) q.maxBilledCents = max ?? f.maxBilled.trim()
  return q
}

/** A query string with repeated parameters for arrays (`status=denied&status=paid`). */
export function toSearch(q: Record<string, string | number | string[]>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(q)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v))
  }
  return search.toString()
}

/** The API parameter each filter field is sent as, where the names differ. */
const FIELD_OF_PARAM: Record<string, keyof ClaimFilters> = { minBilledCents: 'minBilled', maxBilledCents: 'maxBilled' }

/**
 * The messages of a 400 from the claims API by filter field (`minBilledCents` → `minBilled`,
 * `status[0]` → `status`), for showing each at its field; issues about other parameters are left
 * to the page's error state.
 */
export function fieldIssues(error: unknown): Partial<Record<keyof ClaimFilters, string>> {
  const body = (error as { data?: { data?: { issues?: unknown } } } | null | undefined)?.data
  const issues = Array.isArray(body?.data?.issues) ? body.data.issues as { path?: unknown, message?: unknown }[] : []
  const out: Partial<Record<keyof ClaimFilters, string>> = {}
  const fields = new Set<string>(['status', 'providerId', 'payer', 'denialReason', 'from', 'to', 'minBilled', 'maxBilled', 'sort'])
  for (const issue of issues) {
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue
    const param = issue.path.replace(/\[\d+\]$/, '')
    const field = FIELD_OF_PARAM[param] ?? param
    if (fields.has(field)) out[field as keyof ClaimFilters] ??= issue.message
  }
  return out
}

/** A short text of the active filters, for headings and the export's file name. */
export function describeFilters(f: ClaimFilters): string {
  const parts: string[] = []
  if (f.status.length) parts.push(f.status.join('+'))
  if (f.providerId) parts.push(`provider ${f.providerId}`)
  if (f.payer) parts.push(f.payer)
  if (f.denialReason) parts.push(f.denialReason.toUpperCase())
  if (f.from || f.to) parts.push(`${f.from || '…'} to ${f.to || '…'}`)
  // Only amounts that read as dollars: an unreadable one is flagged at its field, not described.
  const min = dollarsToCents(f.minBilled)
  const max = dollarsToCents(f.maxBilled)
  if (min !== undefined || max !== undefined) parts.push(`billed ${min !== undefined ? f.minBilled.trim() : '0'}–${max !== undefined ? f.maxBilled.trim() : '∞'}`)
  return parts.join(', ') || 'all claims'
}

/**
 * Cursor paging keeps the cursors of the pages before this one, so "Previous" can go back:
 * push the current cursor ('' for the first page) when moving on, pop it when moving back.
 */
export function nextStack(stack: string[], current: string): string[] {
  return [...stack, current]
}

export function previousPage(stack: string[]): { cursor: string, stack: string[] } {
  if (!stack.length) return { cursor: '', stack: [] }
  return { cursor: stack[stack.length - 1]!, stack: stack.slice(0, -1) }
}

// GET /api/v1/admin/audit: filters on who, what and when, newest first.
import { z } from 'zod'
import { isCalendarDay, pagination } from '../schemas.ts'

const DAY = /^\d{4}-\d{2}-\d{2}$/
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const DAY_MS = 86_400_000

/**
 * `from` and `to` take a UTC day (`2026-06-01`: the whole day, so `to` runs to its last
 * millisecond) or an instant with its offset (`2026-06-01T07:30:00Z`: exactly then). Both
 * ends are inclusive. Parsed to epoch milliseconds.
 */
const bound = (end: 'from' | 'to') => z.string()
  .refine(s => (DAY.test(s) || INSTANT.test(s)) && isCalendarDay(s.slice(0, 10)) && !Number.isNaN(Date.parse(DAY.test(s) ? `${s}T00:00:00Z` : s)),
    'must be a date YYYY-MM-DD or an ISO 8601 instant with an offset, like 2026-06-01T07:30:00Z')
  .transform((s) => {
    if (!DAY.test(s)) return Date.parse(s)
    const start = Date.parse(`${s}T00:00:00Z`)
    return end === 'from' ? start : start + DAY_MS - 1
  })

/** Actors are `key:12`, `user:3`, `anonymous`; actions `claims.ingest`, `read.health-data`. */
const name = z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits or : . _ -')

export const AuditQuery = z.strictObject({
  actor: name.optional(),
  action: name.optional(),
  from: bound('from').optional(),
  to: bound('to').optional(),
  limit: pagination.limit,
  cursor: pagination.cursor,
}).refine(q => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be after `to`', path: ['from'] })
export type AuditQuery = z.output<typeof AuditQuery>

// zod building blocks shared by the routes: ids, limits, cursors, booleans in query strings.
import { z } from 'zod'

export const MAX_LIMIT = 1000
export const DEFAULT_LIMIT = 50

/** Decimal notation only: Number() alone would also read `0x10`, `0b1` and `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * A number that may arrive as a string (query strings, CSV cells), written in decimal. Unlike
 * z.coerce.number(), null, '' and true are errors, not 0 and 1, and so are hex and Infinity.
 */
export function numeric() {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v
    const text = v.trim()
    return DECIMAL.test(text) ? Number(text) : v
  }, z.number({ error: 'must be a number' }))
}

// Decimal digits only: Number() would also read `0x10` or `1e1` as a row id and act on that row.
export const idParam = z.object({
  id: z.string().regex(/^\d{1,16}$/, 'must be a positive integer').transform(Number)
    .pipe(z.number().int('must be an integer').positive('must be positive').max(Number.MAX_SAFE_INTEGER)),
})

// An ingest batch names a few hundred distinct days, out of tens of thousands of rows: checking
// each once (two Date objects and an ISO string) instead of once a row saves a sixth of validation.
const calendarDays = new Map<string, boolean>()

/** True when `YYYY-MM-DD` is a real day: Date.parse alone rolls 2026-02-30 over into March. */
export function isCalendarDay(s: string): boolean {
  let ok = calendarDays.get(s)
  if (ok === undefined) {
    ok = !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
    if (calendarDays.size >= 4096) calendarDays.clear()
    calendarDays.set(s, ok)
  }
  return ok
}

export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine(isCalendarDay, 'is not a calendar date')

/** `from` and `to` (inclusive days); refine the object with rangeInOrder and rangeIssue so `from` is not after `to`. */
export const dayRange = { from: isoDay.optional(), to: isoDay.optional() }
export const rangeInOrder = (q: { from?: string, to?: string }) => !q.from || !q.to || q.from <= q.to
export const rangeIssue = { message: 'must not be after `to`', path: ['from'] }

/** `count=true` / `count=false`; any other value is an error rather than silently false. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform(v => v === 'true' || v === '1')

export const pagination = {
  limit: numeric().pipe(z.number().int().min(1).max(MAX_LIMIT)).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
  count: queryBoolean.default(false),
}

// zod building blocks shared by the routes: ids, limits, cursors, booleans in query strings, stored
// text, days and instants.
import { z } from 'zod'
import { utcDay } from './days.ts'
import { unsafeTextReason } from './text.ts'

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

// Each check stops the ones after it, so one bad day is one issue.
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD', abort: true }).refine(isCalendarDay, { message: 'is not a calendar date', abort: true })

/** A day something happened (a date of service): today (UTC) at the latest. */
export const pastDay = isoDay.refine(day => day <= utcDay(), 'must not be after today (UTC)')

/**
 * How far ahead of the server's clock a stored instant may be. A client's clock that NTP keeps is
 * within a second; five minutes (Kerberos' default skew) covers one that drifts, while a time
 * zone mistake (an hour or more) or a wrong year is still refused.
 */
export const CLOCK_SKEW_MS = 5 * 60_000
/** Earliest instant accepted: nothing a clearinghouse, a wearable or a lab sends predates this. */
const EARLIEST_MS = Date.parse('1970-01-01T00:00:00Z')
/**
 * The offset is required: without one, Date.parse would read the time in the server's zone, and
 * days are UTC days.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * An instant that has happened (a claim submitted, a reading taken, a dose taken), as ISO 8601
 * text: between 1970 and CLOCK_SKEW_MS ahead of now. Date.parse rolls 2026-02-30 over into March,
 * so the date part must be a calendar date itself.
 */
export const pastInstant = z.string()
  .refine(s => INSTANT.test(s) && isCalendarDay(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 instant with an offset, like 2026-06-01T07:30:00Z', abort: true })
  .refine(s => Date.parse(s) >= EARLIEST_MS, 'must not be before 1970')
  .refine(s => Date.parse(s) <= Date.now() + CLOCK_SKEW_MS, `must not be in the future (more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock)`)

/**
 * Every text field that is stored starts here: control characters (server/services/text.ts) are
 * refused before anything else, so that neither a later trim nor a regex's own message hides them.
 */
export function storedText() {
  return z.string().superRefine((s, ctx) => {
    const reason = unsafeTextReason(s)
    if (reason) ctx.addIssue({ code: 'custom', message: reason, input: s, continue: false })
  })
}

/** `from` and `to` (inclusive days); refine the object with rangeInOrder and rangeIssue so `from` is not after `to`. */
export const dayRange = { from: isoDay.optional(), to: isoDay.optional() }
export const rangeInOrder = (q: { from?: string, to?: string }) => !q.from || !q.to || q.from <= q.to
export const rangeIssue = { message: 'must not be after `to`', path: ['from'] }

/**
 * A closed set of values (a status, a sort, a role, a format). Every closed set in a route's
 * input is made here, so a wrong value always names the allowed ones (zod's default says only
 * "Invalid option"). tests/unit/closed-sets.test.ts checks that no schema builds one elsewhere.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, where?: string) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}${where ? ` (${where})` : ''}` })
}

/**
 * Values that may be given once (`status=denied`) or repeated (`status=denied&status=paid`),
 * always an array once parsed. formatIssues reports a failing union by the branch the input's
 * type chose, so a wrong lone value is an issue on `status` and a wrong repeated one on
 * `status[1]`, each with the item's own message.
 */
export function oneOrMany<T extends z.ZodType>(item: T, max: number) {
  return z.union([item, z.array(item).max(max, `may be given at most ${max} times`)])
    .transform(v => (Array.isArray(v) ? v : [v]) as z.output<T>[])
}

/** `count=true` / `count=false`; any other value is an error rather than silently false. */
export const queryBoolean = oneOf(['true', 'false', '1', '0']).transform(v => v === 'true' || v === '1')

/** The query of a route that takes no parameters: parseQuery refuses any it is sent. */
export const NoQuery = z.object({})

export const pagination = {
  limit: numeric().pipe(z.number().int().min(1).max(MAX_LIMIT)).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
  count: queryBoolean.default(false),
}

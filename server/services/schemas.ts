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

/** `count=true` / `count=false`; any other value is an error rather than silently false. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform(v => v === 'true' || v === '1')

export const pagination = {
  limit: numeric().pipe(z.number().int().min(1).max(MAX_LIMIT)).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).max(512).optional(),
  count: queryBoolean.default(false),
}

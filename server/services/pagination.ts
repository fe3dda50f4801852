// Opaque keyset cursors: the sort key and id of the last row of a page, base64url-encoded JSON.
// A cursor that does not decode to the expected shape is the client's error (400 on `cursor`).
// The message is said of the parameter (`cursor is not …` once the path is put before it).

import { createHash } from 'node:crypto'
import { DomainError } from './errors.ts'

export type CursorValue = string | number

/** A 400 on `cursor`; the message is said of the parameter. */
export class InvalidCursorError extends DomainError {
  override readonly summary = 'Invalid input'

  constructor(message = 'is not a cursor this endpoint issued') {
    super('invalid', message, [{ path: 'cursor', message }])
  }
}

/**
 * A short digest of the request that issued a cursor (its filters and sort, canonical), kept in
 * the cursor so that a cursor read with other filters is refused instead of silently resuming a
 * different listing at the wrong place.
 */
export function bindingOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16)
}

/** With `binding` (bindingOf the request), the cursor is only accepted back with the same one. */
export function encodeCursor(values: readonly CursorValue[], binding?: string): string {
  return Buffer.from(JSON.stringify(binding === undefined ? values : [...values, binding])).toString('base64url')
}

/**
 * Decodes a cursor into values of the given kinds, or throws InvalidCursorError. With `binding`,
 * a cursor another request issued is refused first, saying so (its values may be of other kinds:
 * another sort's key).
 */
export function decodeCursor<K extends readonly ('string' | 'number')[]>(cursor: string, kinds: K, binding?: string): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  }
  catch {
    throw new InvalidCursorError()
  }
  if (binding !== undefined && Array.isArray(values) && values.length === kinds.length + 1) {
    if (values.pop() !== binding) throw new InvalidCursorError('was issued for other filters or another sort: start again without it')
  }
  else if (binding !== undefined) throw new InvalidCursorError()
  if (!Array.isArray(values) || values.length !== kinds.length) throw new InvalidCursorError()
  kinds.forEach((kind, i) => {
    const ok = kind === 'number' ? Number.isFinite(values[i]) : typeof values[i] === 'string'
    if (!ok) throw new InvalidCursorError()
  })
  return values as { [I in keyof K]: K[I] extends 'string' ? string : number }
}

export interface Page {
  limit: number
  nextCursor: string | null
  total?: number
}

/**
 * Shapes a keyset page: the statement fetched limit + 1 rows, so a next page exists exactly when
 * the extra row came back.
 */
export function keysetPage<R>(rows: R[], limit: number, cursorOf: (row: R) => CursorValue[]): { data: R[], page: Page } {
  const hasMore = rows.length > limit
  const data = hasMore ? rows.slice(0, limit) : rows
  const last = data[data.length - 1]
  return { data, page: { limit, nextCursor: hasMore && last ? encodeCursor(cursorOf(last)) : null } }
}

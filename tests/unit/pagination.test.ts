import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, InvalidCursorError, keysetPage } from '../../server/services/pagination.ts'

describe('keyset cursors', () => {
  it('round-trips the sort key and id, and is opaque (no raw JSON in the URL)', () => {
    const cursor = encodeCursor(['2026-03-01', 1234])
    expect(cursor).toMatch(/^[\w-]+$/)
    expect(decodeCursor(cursor, ['string', 'number'] as const)).toEqual(['2026-03-01', 1234])
  })

  it.each([
    ['not base64 json', 'zzz'],
    ['wrong arity', encodeCursor([1])],
    ['wrong kinds', encodeCursor([1, 'a'])],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
  ])('rejects %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['string', 'number'] as const)).toThrow(InvalidCursorError)
  })

  it('gives a next cursor only when the extra row came back', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }]
    const more = keysetPage(rows, 2, r => [r.id])
    expect(more.data).toEqual([{ id: 1 }, { id: 2 }])
    expect(decodeCursor(more.page.nextCursor!, ['number'] as const)).toEqual([2])
    const last = keysetPage(rows, 3, r => [r.id])
    expect(last.data).toHaveLength(3)
    expect(last.page.nextCursor).toBeNull()
  })
})

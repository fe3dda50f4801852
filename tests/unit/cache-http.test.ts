import { describe, expect, it } from 'vitest'
import { etagMatches } from '../../server/utils/cache.ts'

describe('etagMatches (If-None-Match)', () => {
  const etag = '"abc123"'
  it('matches the same tag, a weak form of it, one of a list, and *', () => {
    expect(etagMatches('"abc123"', etag)).toBe(true)
    expect(etagMatches('W/"abc123"', etag)).toBe(true)
    expect(etagMatches('"x", "abc123" ,"y"', etag)).toBe(true)
    expect(etagMatches('*', etag)).toBe(true)
  })

  it('does not match another tag, an unquoted one, or nothing', () => {
    expect(etagMatches('"abc1234"', etag)).toBe(false)
    expect(etagMatches('abc123', etag)).toBe(false)
    expect(etagMatches('', etag)).toBe(false)
    expect(etagMatches(undefined, etag)).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { NAMESPACE_NAMES } from '../../server/services/cache/index.ts'
import { cacheControlOf, etagMatches, wantsRevalidation } from '../../server/utils/cache.ts'

describe('cacheControlOf (what a browser may keep)', () => {
  it('is no-store for every namespace whose answers name patients, no-cache only for the aggregates', () => {
    const byNamespace = Object.fromEntries(NAMESPACE_NAMES.map(ns => [ns, cacheControlOf(ns)]))
    expect(byNamespace).toEqual({
      'claims:list': 'private, no-store',
      'claims:item': 'private, no-store',
      'claims:metrics': 'private, no-cache',
      'claims:denial-patterns': 'private, no-cache',
      'providers:list': 'private, no-cache',
      'providers:item': 'private, no-cache',
      'correlations': 'private, no-store',
      'health:summary': 'private, no-store',
    })
  })
})

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

describe('wantsRevalidation (a request\'s Cache-Control)', () => {
  it('is true for no-cache or max-age=0 among other directives, and for Pragma: no-cache alone', () => {
    expect(wantsRevalidation({ 'cache-control': 'no-cache' })).toBe(true)
    expect(wantsRevalidation({ 'cache-control': 'max-stale=5, No-Cache' })).toBe(true)
    expect(wantsRevalidation({ 'cache-control': 'max-age=0' })).toBe(true)
    expect(wantsRevalidation({ pragma: 'no-cache' })).toBe(true)
  })

  it('is false without them, for lookalikes, and when Cache-Control overrides Pragma', () => {
    expect(wantsRevalidation({})).toBe(false)
    expect(wantsRevalidation({ 'cache-control': 'max-age=60' })).toBe(false)
    expect(wantsRevalidation({ 'cache-control': 'max-age=00' })).toBe(false)
    expect(wantsRevalidation({ 'cache-control': 'no-cache-please' })).toBe(false)
    expect(wantsRevalidation({ 'cache-control': 'max-age=60', pragma: 'no-cache' })).toBe(false)
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey, KEY_MEMO_MS, revokeApiKey, verifyApiKey } from '../../server/services/auth/api-keys.ts'
import { tempDatabase } from './helpers.ts'

// verifyApiKey remembers a verified key for KEY_MEMO_MS: these tests pin what that may and may
// not change for a caller.
describe('verifyApiKey and its memo of verified keys', () => {
  let db: ReturnType<typeof tempDatabase>
  beforeEach(() => { db = tempDatabase() })
  afterEach(() => db.dispose())

  const revokeElsewhere = (id: number) => db.conn.sqlite.prepare('UPDATE api_keys SET revoked_at = 1 WHERE id = ?').run(id)

  it('answers a known key with its principal and an unknown, malformed or over-long key with nothing', () => {
    const k = createApiKey('a', 'operator')
    expect(verifyApiKey(k.key)).toEqual({ kind: 'key', id: k.id, role: 'operator' })
    expect(verifyApiKey(`${k.key}x`)).toBeUndefined()
    expect(verifyApiKey(k.key.slice(3))).toBeUndefined()
    expect(verifyApiKey(`ap_${'x'.repeat(300)}`)).toBeUndefined()
  })

  it('stops a key revoked in this process at once, even inside the memo', () => {
    const now = Date.now()
    const k = createApiKey('a', 'viewer')
    expect(verifyApiKey(k.key, now)).toBeDefined()
    expect(revokeApiKey(k.id, now)).toBe(true)
    expect(verifyApiKey(k.key, now + 1)).toBeUndefined()
  })

  it('stops a key revoked by another process within KEY_MEMO_MS, and not before the memo ends', () => {
    const now = Date.now()
    const k = createApiKey('a', 'admin')
    expect(verifyApiKey(k.key, now)).toBeDefined()
    revokeElsewhere(k.id)
    expect(verifyApiKey(k.key, now + KEY_MEMO_MS - 1)).toBeDefined()
    expect(verifyApiKey(k.key, now + KEY_MEMO_MS)).toBeUndefined()
    expect(KEY_MEMO_MS).toBeLessThanOrEqual(10_000)
  })

  it('never remembers an unknown key: one created later works at once', () => {
    const key = `ap_${'k'.repeat(43)}`
    expect(verifyApiKey(key)).toBeUndefined()
    const k = createApiKey('late', 'viewer', key)
    expect(verifyApiKey(key)).toMatchObject({ id: k.id })
  })

  it('forgets what it verified when another database is opened', () => {
    const key = `ap_${'m'.repeat(43)}`
    createApiKey('first', 'admin', key)
    expect(verifyApiKey(key)).toMatchObject({ role: 'admin' })
    db.dispose()
    db = tempDatabase()
    expect(verifyApiKey(key)).toBeUndefined()
  })

  it('hands each caller its own principal', () => {
    const k = createApiKey('a', 'viewer')
    const first = verifyApiKey(k.key)!
    first.role = 'admin'
    expect(verifyApiKey(k.key)).toMatchObject({ role: 'viewer' })
  })
})

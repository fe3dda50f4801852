// NUXT_BOOTSTRAP_ADMIN_KEY and NUXT_BOOTSTRAP_ADMIN_PASSWORD as an operator gives them: a value
// that is accepted works (the key as a Bearer admin key), any other is refused with the reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureApiKey, getApiKeyInfo, listApiKeys, revokeApiKey, verifyApiKey } from '../../server/services/auth/api-keys.ts'
import { bearerToken } from '../../server/services/auth/policy.ts'
import { bootstrapKeyProblem, bootstrapPasswordProblem, MIN_BOOTSTRAP_KEY_LENGTH } from '../../server/services/auth/bootstrap.ts'
import { MIN_PASSWORD_LENGTH } from '../../server/services/auth/schemas.ts'
import { tempDatabase } from './helpers.ts'

// What secret stores and generators hand out: base64 with padding, hex, base64url, our own format.
const GOOD_KEYS = ['q5nX0m3Jd1Ck0yWm6tA9oTQ3VnQz2b+Xk/Uu2uJw7aE=', '9f86d081884c7d659a2feaa0c55ad015', 'Zx_9-Qa.b~c' + 'k'.repeat(30), 'ap_' + 'A'.repeat(43)]

describe('NUXT_BOOTSTRAP_ADMIN_KEY', () => {
  let db: ReturnType<typeof tempDatabase>
  beforeEach(() => { db = tempDatabase() })
  afterEach(() => db.dispose())

  it.each(GOOD_KEYS)('accepts %s and it then works as a Bearer admin key', (key) => {
    expect(bootstrapKeyProblem(key)).toBeUndefined()
    expect(ensureApiKey(key, 'admin', 'bootstrap admin')).toBe('created')
    expect(ensureApiKey(key, 'admin', 'bootstrap admin')).toBe('exists')
    // Exactly as a client sends it: through the Authorization header parser, then verification.
    expect(verifyApiKey(bearerToken(`Bearer ${key}`)!)).toMatchObject({ kind: 'key', role: 'admin' })
    // The clear prefix of a key the operator chose gives away little of it.
    expect(listApiKeys()[0]!.prefix.length).toBeLessThanOrEqual(key.startsWith('ap_') ? 9 : 4)
  })

  it('refuses a key that could not work, saying why and never repeating it', () => {
    const cases: [string, RegExp][] = [
      ['short-key', new RegExp(`too short \\(9 characters\\): it must be at least ${MIN_BOOTSTRAP_KEY_LENGTH}`)],
      ['x'.repeat(201), /too long \(201 characters\)/],
      [`${'k'.repeat(40)}\n`, /a space or line break at position 41/],
      [`${'k'.repeat(20)} ${'k'.repeat(20)}`, /a space or line break at position 21/],
      [`${'k'.repeat(20)}=${'k'.repeat(20)}`, /an = before the end at position 21/],
      [`${'k'.repeat(40)}"`, /a character a Bearer token cannot carry at position 41/],
      [`${'k'.repeat(40)}é`, /a character a Bearer token cannot carry at position 41/],
      [`${'k'.repeat(40)},`, /a character a Bearer token cannot carry/],
    ]
    for (const [key, reason] of cases) {
      const problem = bootstrapKeyProblem(key)
      expect(problem, JSON.stringify(key)).toMatch(reason)
      expect(problem).toMatch(/^NUXT_BOOTSTRAP_ADMIN_KEY /)
      expect(problem).not.toContain(key.trim())
    }
  })

  it('reports a revoked bootstrap key instead of bringing it back', () => {
    const key = GOOD_KEYS[0]!
    ensureApiKey(key, 'admin', 'bootstrap admin')
    const id = listApiKeys()[0]!.id
    revokeApiKey(id)
    expect(ensureApiKey(key, 'admin', 'bootstrap admin')).toBe('revoked')
    expect(getApiKeyInfo(id)!.revokedAt).not.toBeNull()
    expect(verifyApiKey(key)).toBeUndefined()
  })
})

describe('NUXT_BOOTSTRAP_ADMIN_PASSWORD', () => {
  it('must meet the users API\'s minimum', () => {
    expect(bootstrapPasswordProblem('x'.repeat(MIN_PASSWORD_LENGTH))).toBeUndefined()
    expect(bootstrapPasswordProblem('x'.repeat(MIN_PASSWORD_LENGTH - 1))).toBe(`NUXT_BOOTSTRAP_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`)
    expect(bootstrapPasswordProblem('x'.repeat(1025))).toBe('NUXT_BOOTSTRAP_ADMIN_PASSWORD must be at most 1024 characters')
  })
})

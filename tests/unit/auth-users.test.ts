import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKey, getApiKeyInfo, listApiKeys, revokeApiKey } from '../../server/services/auth/api-keys.ts'
import { bootstrapAdminUser, MIN_SESSION_PASSWORD_LENGTH, resolveSessionPassword, whenUsersReady } from '../../server/services/auth/bootstrap.ts'
import { LoginLimiter, MAX_FAILURES, WINDOW_MS } from '../../server/services/auth/login-limiter.ts'
import { activeUser, disableUser, hasActiveAdminUser, insertUser, listUsers, userForLogin } from '../../server/services/auth/users.ts'
import { tempDatabase } from './helpers.ts'

// A stand-in hash: these tests are about the rows, not about scrypt (nuxt-auth-utils does that).
const fakeHash = async (password: string) => `hashed:${password}`

describe('users', () => {
  let db: ReturnType<typeof tempDatabase>
  beforeEach(() => { db = tempDatabase() })
  afterEach(() => db.dispose())

  it('stores emails lower-cased and refuses a second user with the same email', () => {
    const user = insertUser({ email: ' Ops@Example.com ', passwordHash: 'h', role: 'operator' })
    expect(user).toMatchObject({ email: 'ops@example.com', role: 'operator', disabledAt: null })
    expect(insertUser({ email: 'OPS@example.com', passwordHash: 'h2', role: 'admin' })).toBeUndefined()
    expect(userForLogin('ops@EXAMPLE.com')).toMatchObject({ id: user!.id, passwordHash: 'h' })
    expect(db.conn.sqlite.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 1 })
  })

  it('disables a user, which ends its sessions, but never the last active admin', () => {
    const admin = insertUser({ email: 'a@example.com', passwordHash: 'h', role: 'admin' })!
    const viewer = insertUser({ email: 'v@example.com', passwordHash: 'h', role: 'viewer' })!
    expect(disableUser(admin.id)).toEqual({ ok: false, reason: 'last-admin' })
    expect(activeUser(admin.id)).toBeDefined()

    const result = disableUser(viewer.id, Date.parse('2026-06-30T12:00:00Z'))
    expect(result).toMatchObject({ ok: true, user: { id: viewer.id, disabledAt: '2026-06-30T12:00:00.000Z' } })
    expect(activeUser(viewer.id)).toBeUndefined()
    expect(disableUser(viewer.id)).toEqual({ ok: false, reason: 'already-disabled' })
    expect(disableUser(999)).toEqual({ ok: false, reason: 'not-found' })

    const second = insertUser({ email: 'b@example.com', passwordHash: 'h', role: 'admin' })!
    expect(disableUser(admin.id).ok).toBe(true)
    expect(disableUser(second.id)).toEqual({ ok: false, reason: 'last-admin' })
    expect(listUsers().map(u => [u.email, u.disabledAt !== null])).toEqual([['a@example.com', true], ['b@example.com', false], ['v@example.com', true]])
  })

  it('creates the first admin once, from the configured password or a generated one printed once', async () => {
    const lines: string[] = []
    expect(await bootstrapAdminUser({ email: 'Root@Example.com', password: '', hash: fakeHash, log: l => lines.push(l) })).toBe('root@example.com')
    await whenUsersReady()
    expect(hasActiveAdminUser()).toBe(true)
    const printed = /shown only now\): (\S+)$/.exec(lines[0]!)![1]!
    expect(printed.length).toBeGreaterThanOrEqual(20)
    expect(userForLogin('root@example.com')!.passwordHash).toBe(`hashed:${printed}`)

    expect(await bootstrapAdminUser({ email: 'other@example.com', password: 'x'.repeat(16), hash: fakeHash, log: l => lines.push(l) })).toBeUndefined()
    expect(lines).toHaveLength(1)
    expect(listUsers()).toHaveLength(1)
  })

  it('names the bootstrap password source without printing it', async () => {
    const lines: string[] = []
    await bootstrapAdminUser({ email: 'admin@example.com', password: 'configured-password', hash: fakeHash, log: l => lines.push(l) })
    expect(lines).toEqual(['[auth] created the admin user admin@example.com from NUXT_BOOTSTRAP_ADMIN_PASSWORD'])
  })

  it('lists keys without their hash, active first, and revokes once', () => {
    const a = createApiKey('first', 'viewer')
    const b = createApiKey('second', 'admin')
    expect(revokeApiKey(a.id)).toBe(true)
    expect(revokeApiKey(a.id)).toBe(false)
    const keys = listApiKeys()
    expect(keys.map(k => k.name)).toEqual(['second', 'first'])
    expect(Object.keys(keys[0]!).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role'])
    expect(getApiKeyInfo(b.id)).toMatchObject({ prefix: b.prefix, revokedAt: null })
    expect(getApiKeyInfo(a.id)!.revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
  })
})

describe('session password', () => {
  it('uses the configured one, refuses a short one, and otherwise makes a random one with a warning', () => {
    const warnings: string[] = []
    expect(resolveSessionPassword('p'.repeat(40), w => warnings.push(w))).toBe('p'.repeat(40))
    expect(() => resolveSessionPassword('short', w => warnings.push(w))).toThrow(`at least ${MIN_SESSION_PASSWORD_LENGTH}`)
    const a = resolveSessionPassword('', w => warnings.push(w))
    const b = resolveSessionPassword(undefined, w => warnings.push(w))
    expect(a.length).toBeGreaterThanOrEqual(MIN_SESSION_PASSWORD_LENGTH)
    expect(a).not.toBe(b)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/will not survive a restart/)
  })
})

describe('sign-in rate limit', () => {
  const attempt = (address: string, account: string) => ({ address, account })

  it('refuses an address after too many failures, whichever accounts they were on, until the window ends', () => {
    const limiter = new LoginLimiter()
    const t0 = 1_000_000
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(limiter.retryAfter(attempt('10.0.0.1', `user${i}@example.com`), t0 + i)).toBe(0)
      limiter.recordFailure(attempt('10.0.0.1', `user${i}@example.com`), t0 + i)
    }
    expect(limiter.retryAfter(attempt('10.0.0.1', 'fresh@example.com'), t0 + 1000)).toBe(59)
    expect(limiter.retryAfter(attempt('10.0.0.2', 'user0@example.com'), t0 + 1000)).toBe(0)
    expect(limiter.retryAfter(attempt('10.0.0.1', 'fresh@example.com'), t0 + WINDOW_MS)).toBe(0)
  })

  it('refuses an account after too many failures from any mix of addresses', () => {
    const limiter = new LoginLimiter()
    for (let i = 0; i < MAX_FAILURES; i++) limiter.recordFailure(attempt(`10.0.1.${i}`, 'victim@example.com'), i)
    expect(limiter.retryAfter(attempt('10.9.9.9', 'victim@example.com'), 100)).toBe(60)
    expect(limiter.retryAfter(attempt('10.9.9.9', 'other@example.com'), 100)).toBe(0)
  })
})

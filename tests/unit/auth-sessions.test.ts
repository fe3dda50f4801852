// Server-side sessions: a cookie's token is honoured only while its row is live, and every way a
// session ends (sign-out, expiry, disabling the user, a password change) is final.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSession, PRUNE_BATCH, revokeSession } from '../../server/services/auth/sessions.ts'
import { disableUser, insertUser, sessionData, setPasswordHash, userOfSession, type User } from '../../server/services/auth/users.ts'
import { tempDatabase } from './helpers.ts'

const HOUR = 3600_000

describe('server-side sessions', () => {
  let db: ReturnType<typeof tempDatabase>
  let admin: User
  let viewer: User
  beforeEach(() => {
    db = tempDatabase()
    admin = insertUser({ email: 'a@example.com', passwordHash: 'h', role: 'admin' })!
    viewer = insertUser({ email: 'v@example.com', passwordHash: 'h', role: 'viewer' })!
  })
  afterEach(() => db.dispose())

  const rows = () => db.conn.sqlite.prepare('SELECT token_hash AS tokenHash, user_id AS userId, revoked_at AS revokedAt FROM sessions ORDER BY id').all() as { tokenHash: string, userId: number, revokedAt: number | null }[]

  it('honours a session until it is signed out; the token is stored only as a hash', () => {
    const token = createSession(viewer.id, 12 * HOUR)
    const session = sessionData(viewer, token)
    expect(userOfSession(session)).toMatchObject({ id: viewer.id, role: 'viewer' })
    expect(rows()).toEqual([{ tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/), userId: viewer.id, revokedAt: null }])
    expect(JSON.stringify(rows())).not.toContain(token)

    revokeSession(token)
    expect(userOfSession(session)).toBeUndefined()
    // Signing in again gives a new session; the old cookie stays refused.
    const again = createSession(viewer.id, 12 * HOUR)
    expect(userOfSession(sessionData(viewer, again))).toBeDefined()
    expect(userOfSession(session)).toBeUndefined()
  })

  it('refuses an expired session, a cookie without a token, and a token sealed with another user', () => {
    const now = Date.parse('2026-06-30T12:00:00Z')
    const token = createSession(viewer.id, HOUR, now)
    expect(userOfSession(sessionData(viewer, token), now + HOUR - 1)).toBeDefined()
    expect(userOfSession(sessionData(viewer, token), now + HOUR)).toBeUndefined()
    // A cookie sealed before server-side sessions existed carries only the user.
    expect(userOfSession({ user: { id: viewer.id } })).toBeUndefined()
    const live = createSession(viewer.id, HOUR)
    expect(userOfSession(sessionData(admin, live))).toBeUndefined()
    expect(userOfSession({ user: { id: String(viewer.id) }, secure: { sessionToken: live } })).toBeUndefined()
  })

  it('ends every session of a user that is disabled, and only theirs', () => {
    const first = createSession(viewer.id, HOUR)
    const second = createSession(viewer.id, HOUR)
    const admins = createSession(admin.id, HOUR)
    expect(disableUser(viewer.id).ok).toBe(true)
    expect(userOfSession(sessionData(viewer, first))).toBeUndefined()
    expect(userOfSession(sessionData(viewer, second))).toBeUndefined()
    expect(rows().filter(r => r.userId === viewer.id).every(r => r.revokedAt !== null)).toBe(true)
    expect(userOfSession(sessionData(admin, admins))).toBeDefined()
  })

  it('ends every session of a user whose password changes; a disabled or unknown user keeps its hash', () => {
    const before = createSession(admin.id, HOUR)
    const viewers = createSession(viewer.id, HOUR)
    expect(setPasswordHash(admin.id, 'new-hash')).toMatchObject({ ok: true, user: { id: admin.id } })
    expect(userOfSession(sessionData(admin, before))).toBeUndefined()
    expect(userOfSession(sessionData(viewer, viewers))).toBeDefined()
    expect(db.conn.sqlite.prepare('SELECT password_hash AS h FROM users WHERE id = ?').get(admin.id)).toEqual({ h: 'new-hash' })

    disableUser(viewer.id)
    expect(setPasswordHash(viewer.id, 'other')).toEqual({ ok: false, reason: 'disabled' })
    expect(setPasswordHash(999, 'other')).toEqual({ ok: false, reason: 'not-found' })
    expect(db.conn.sqlite.prepare('SELECT password_hash AS h FROM users WHERE id = ?').get(viewer.id)).toEqual({ h: 'h' })
  })

  it('cleans up ended sessions (expired or revoked) at each sign-in, at most a batch at a time', () => {
    const now = Date.parse('2026-06-30T12:00:00Z')
    // Signed out an hour before they would have expired: cleaned up as soon as the expired ones are.
    const revoked = Array.from({ length: 10 }, () => createSession(viewer.id, 2 * HOUR, now - HOUR))
    for (const token of revoked) revokeSession(token, now - HOUR + 1)
    const insert = db.conn.sqlite.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
    for (let i = 0; i < PRUNE_BATCH + 20; i++) insert.run(`expired-${i}`, viewer.id, now - 2 * HOUR, now - HOUR)
    // This sign-in removes one batch of the 130 ended rows (its own prune runs before its insert).
    const liveToken = createSession(admin.id, HOUR, now - 1)
    expect(rows()).toHaveLength(130 - PRUNE_BATCH + 1)
    createSession(admin.id, HOUR, now)
    // Only the live ones are left: the first live session and the new one.
    expect(rows().map(r => r.revokedAt)).toEqual([null, null])
    expect(userOfSession(sessionData(admin, liveToken), now)).toBeDefined()
    for (const token of revoked) expect(userOfSession(sessionData(viewer, token), now - HOUR + 2)).toBeUndefined()
  })
})

// Server-side records of dashboard sessions. The sealed cookie alone is self-contained: whoever
// holds a copy stays signed in until it expires. So each sign-in also writes a row here, and the
// cookie carries the row's random token; a cookie is honoured only while its row is live (not
// revoked, not expired). Sign-out, disabling a user and a password change revoke rows.
import { hash, randomBytes } from 'node:crypto'
import { defineQuery, inTransaction } from '../query/index.ts'

/** Ended rows removed per sign-in: bounded, so a sign-in never waits on a large delete. */
export const PRUNE_BATCH = 100

const hashToken = (token: string) => hash('sha256', token, 'hex')

const insert = defineQuery<{ tokenHash: string, userId: number, createdAt: number, expiresAt: number }, never>('sessions.insert',
  'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (@tokenHash, @userId, @createdAt, @expiresAt)')

const live = defineQuery<{ tokenHash: string, now: number }, { userId: number }>('sessions.live',
  'SELECT user_id AS userId FROM sessions WHERE token_hash = @tokenHash AND revoked_at IS NULL AND expires_at > @now')

// A revoked session also expires now, so that the clean-up finds it along idx_sessions_expires.
const revokeOne = defineQuery<{ tokenHash: string, now: number }, never>('sessions.revoke',
  'UPDATE sessions SET revoked_at = @now, expires_at = min(expires_at, @now) WHERE token_hash = @tokenHash AND revoked_at IS NULL')

const revokeUser = defineQuery<{ userId: number, now: number }, never>('sessions.revokeUser',
  'UPDATE sessions SET revoked_at = @now, expires_at = @now WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @now')

// Ended rows (expired, or revoked, which sets expires_at) go: nothing reads them again, since a
// token without a row is refused like a revoked one.
const prune = defineQuery<{ now: number, limit: number }, never>('sessions.prune',
  'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= @now LIMIT @limit)')

/** Records a new session for `userId` lasting `ttlMs`; returns the token the cookie carries. */
export function createSession(userId: number, ttlMs: number, now: number = Date.now()): string {
  const token = randomBytes(32).toString('base64url')
  inTransaction(() => {
    prune.run({ now, limit: PRUNE_BATCH })
    insert.run({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt: now + ttlMs })
  })
  return token
}

/** The user id a token's live session belongs to, or undefined when it is unknown, revoked or expired. */
export function liveSessionUser(token: string, now: number = Date.now()): number | undefined {
  return live.get({ tokenHash: hashToken(token), now })?.userId
}

/** Ends one session (sign-out). */
export function revokeSession(token: string, now: number = Date.now()): void {
  revokeOne.run({ tokenHash: hashToken(token), now })
}

/** Ends every live session of a user (disabled, password changed); returns how many. */
export function revokeUserSessions(userId: number, now: number = Date.now()): number {
  return revokeUser.run({ userId, now }).changes
}

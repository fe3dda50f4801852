// Dashboard users: an email, a password hash (scrypt, made by the caller with nuxt-auth-utils'
// hashPassword: this module stays free of Nitro so scripts and unit tests can use it) and a role.
// "Revoking" a user disables it: the row stays so the audit log's `user:N` keeps a name.
// Disabling a user or changing a password ends the user's sessions (sessions.ts) in the same
// transaction, so no cookie sealed before the change is honoured after it.
import type { Role } from '../../database/schema.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'
import { liveSessionUser, revokeUserSessions } from './sessions.ts'

export interface User {
  id: number
  email: string
  role: Role
  createdAt: string
  disabledAt: string | null
}

interface UserRow {
  id: number
  email: string
  role: Role
  createdAt: number
  disabledAt: number | null
}

const COLUMNS = 'id, email, role, created_at AS createdAt, disabled_at AS disabledAt'

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: new Date(row.createdAt).toISOString(),
    disabledAt: row.disabledAt === null ? null : new Date(row.disabledAt).toISOString(),
  }
}

/** Emails compare case-insensitively: they are stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

const insert = defineQuery<{ email: string, passwordHash: string, role: Role }, UserRow>('users.insert',
  `INSERT INTO users (email, password_hash, role) VALUES (@email, @passwordHash, @role)
   ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`)

const byEmail = defineQuery<{ email: string }, UserRow & { passwordHash: string }>('users.byEmail',
  `SELECT ${COLUMNS}, password_hash AS passwordHash FROM users WHERE email = @email`)

const byId = defineQuery<{ id: number }, UserRow>('users.byId', `SELECT ${COLUMNS} FROM users WHERE id = @id`)

const list = defineQuery<Record<string, never>, UserRow>('users.list', `SELECT ${COLUMNS} FROM users ORDER BY email`)

const activeAdmins = defineQuery<Record<string, never>, { n: number }>('users.activeAdmins',
  `SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL`)

// The last active admin is never disabled: the condition sits in the statement, so two admins
// disabling each other at once cannot both succeed.
const disable = defineQuery<{ id: number, at: number }, UserRow>('users.disable',
  `UPDATE users SET disabled_at = @at
   WHERE id = @id AND disabled_at IS NULL
     AND (role <> 'admin' OR (SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL) > 1)
   RETURNING ${COLUMNS}`)

const setHash = defineQuery<{ id: number, passwordHash: string }, UserRow>('users.setPassword',
  `UPDATE users SET password_hash = @passwordHash WHERE id = @id AND disabled_at IS NULL RETURNING ${COLUMNS}`)

/** Creates a user; undefined when the email is taken. `audit` is recorded with the insert. */
export function insertUser(input: { email: string, passwordHash: string, role: Role }, audit?: AuditOf<User>): User | undefined {
  return auditedTransaction(() => {
    const row = insert.get({ ...input, email: normalizeEmail(input.email) })
    return row ? toUser(row) : undefined
  }, audit)
}

/** The user and its hash, for sign-in only. */
export function userForLogin(email: string): (User & { passwordHash: string }) | undefined {
  const row = byEmail.get({ email: normalizeEmail(email) })
  return row ? { ...toUser(row), passwordHash: row.passwordHash } : undefined
}

/** The user a session stands for, or undefined when it no longer exists or is disabled. */
export function activeUser(id: number): User | undefined {
  const row = byId.get({ id })
  return row && row.disabledAt === null ? toUser(row) : undefined
}

/**
 * What a session cookie holds: the user, and under `secure` (never sent to the page) the session's
 * token. A type rather than an interface, since nuxt-auth-utils' session type has an index signature.
 */
export type SessionData = {
  user: { id: number, email: string, role: Role }
  secure: { sessionToken: string }
  loggedInAt: string
}

export function sessionData(user: User, sessionToken: string, now: number = Date.now()): SessionData {
  return { user: { id: user.id, email: user.email, role: user.role }, secure: { sessionToken }, loggedInAt: new Date(now).toISOString() }
}

/** The token of the server-side session a cookie names, if it names one. */
export function sessionTokenOf(session: { secure?: unknown }): string | undefined {
  const token = (session.secure as { sessionToken?: unknown } | undefined)?.sessionToken
  return typeof token === 'string' ? token : undefined
}

/**
 * The active user a session names, or undefined for an unknown, disabled or malformed one, or one
 * whose server-side session is no longer live (signed out, expired, revoked): a cookie is only
 * honoured while its row in `sessions` is.
 */
export function userOfSession(session: { user?: unknown, secure?: unknown }, now: number = Date.now()): User | undefined {
  const id = (session.user as { id?: unknown } | undefined)?.id
  const token = sessionTokenOf(session)
  if (typeof id !== 'number' || !token || liveSessionUser(token, now) !== id) return undefined
  return activeUser(id)
}

export function listUsers(): User[] {
  return list.all({}).map(toUser)
}

export function hasActiveAdminUser(): boolean {
  return activeAdmins.get({})!.n > 0
}

export type DisableResult = { ok: true, user: User } | { ok: false, reason: 'not-found' | 'already-disabled' | 'last-admin' }

/** Disables an active user and ends their sessions; `audit` is recorded with the update. */
export function disableUser(id: number, now: number = Date.now(), audit?: AuditOf<User>): DisableResult {
  const user = auditedTransaction(() => {
    const row = disable.get({ id, at: now })
    if (!row) return undefined
    revokeUserSessions(id, now)
    return toUser(row)
  }, audit)
  if (user) return { ok: true, user }
  const existing = byId.get({ id })
  if (!existing) return { ok: false, reason: 'not-found' }
  return { ok: false, reason: existing.disabledAt !== null ? 'already-disabled' : 'last-admin' }
}

export type SetPasswordResult = { ok: true, user: User } | { ok: false, reason: 'not-found' | 'disabled' }

/** Replaces an active user's password hash and ends all of the user's sessions. */
export function setPasswordHash(id: number, passwordHash: string, now: number = Date.now(), audit?: AuditOf<User>): SetPasswordResult {
  const user = auditedTransaction(() => {
    const updated = setHash.get({ id, passwordHash })
    if (!updated) return undefined
    revokeUserSessions(id, now)
    return toUser(updated)
  }, audit)
  if (user) return { ok: true, user }
  return { ok: false, reason: byId.get({ id }) ? 'disabled' : 'not-found' }
}

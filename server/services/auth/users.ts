// Dashboard users: an email, a password hash (scrypt, made by the caller with nuxt-auth-utils'
// hashPassword: this module stays free of Nitro so scripts and unit tests can use it) and a role.
// "Revoking" a user disables it: the row stays so the audit log's `user:N` keeps a name.
import type { Role } from '../../database/schema.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'

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

/** The active user a session names (its `user.id`), or undefined for an unknown, disabled or malformed one. */
export function userOfSession(session: { user?: unknown }): User | undefined {
  const id = (session.user as { id?: unknown } | undefined)?.id
  return typeof id === 'number' ? activeUser(id) : undefined
}

export function listUsers(): User[] {
  return list.all({}).map(toUser)
}

export function hasActiveAdminUser(): boolean {
  return activeAdmins.get({})!.n > 0
}

export type DisableResult = { ok: true, user: User } | { ok: false, reason: 'not-found' | 'already-disabled' | 'last-admin' }

/** Disables an active user; `audit` is recorded with the update. */
export function disableUser(id: number, now: number = Date.now(), audit?: AuditOf<User>): DisableResult {
  const user = auditedTransaction(() => {
    const row = disable.get({ id, at: now })
    return row ? toUser(row) : undefined
  }, audit)
  if (user) return { ok: true, user }
  const existing = byId.get({ id })
  if (!existing) return { ok: false, reason: 'not-found' }
  return { ok: false, reason: existing.disabledAt !== null ? 'already-disabled' : 'last-admin' }
}

// API keys: 32 random bytes shown once, stored as a SHA-256 hash. A key's role is one of
// viewer < operator < admin; see roleAllows.
// Every API request presents its key, so a verified key is remembered in this process for
// KEY_MEMO_MS (by its hash, never in clear): the lookup would otherwise cost more than a cached
// answer. A revoke made in this process drops the memo at once; one made in another process
// sharing the database is seen here within KEY_MEMO_MS.
import { hash, randomBytes } from 'node:crypto'
import { connectionGeneration } from '../../database/client.ts'
import type { Role } from '../../database/schema.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'

export const KEY_PREFIX = 'ap_'
/** Longer keys are refused without a lookup (ours are 46 characters). */
export const MAX_KEY_LENGTH = 200
const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }
/** last_used_at is written at most this often per key, so reads do not turn into writes. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000
/** How long a verified key is trusted without reading api_keys again (the bound on a revoke made by another process). */
export const KEY_MEMO_MS = 5_000
/** Memo entries at most; the oldest goes first. Keys are few; this only bounds memory. */
const KEY_MEMO_MAX = 1000

export interface Principal {
  kind: 'key' | 'user'
  id: number
  role: Role
}

export interface CreatedKey {
  id: number
  name: string
  role: Role
  prefix: string
  /** The key itself: shown once, never stored. */
  key: string
}

export function roleAllows(have: Role, need: Role): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need]
}

export function hashKey(key: string): string {
  return hash('sha256', key, 'hex')
}

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url')
}

const insertKey = defineQuery<{ name: string, prefix: string, keyHash: string, role: Role }, { id: number }>('apiKeys.insert',
  `INSERT INTO api_keys (name, prefix, key_hash, role) VALUES (@name, @prefix, @keyHash, @role) RETURNING id`)

const byHash = defineQuery<{ keyHash: string }, { id: number, role: Role, revokedAt: number | null }>('apiKeys.byHash',
  'SELECT id, role, revoked_at AS revokedAt FROM api_keys WHERE key_hash = @keyHash')

const touch = defineQuery<{ id: number, at: number }, never>('apiKeys.touch',
  'UPDATE api_keys SET last_used_at = @at WHERE id = @id')

const revoke = defineQuery<{ id: number, at: number }, never>('apiKeys.revoke',
  'UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL')

/** Creates a key for `role` and returns it; the caller shows it once. `audit` is recorded with the insert. */
export function createApiKey(name: string, role: Role, key: string = generateKey(), audit?: AuditOf<CreatedKey>): CreatedKey {
  // Kept in clear to tell keys apart; of a key the operator chose (no `ap_`), fewer characters.
  const prefix = key.startsWith(KEY_PREFIX) ? key.slice(0, KEY_PREFIX.length + 6) : key.slice(0, 4)
  return auditedTransaction(() => {
    const row = insertKey.get({ name, prefix, keyHash: hashKey(key), role })!
    return { id: row.id, name, role, prefix, key }
  }, audit)
}

/**
 * Makes sure `key` exists as a working key of `role` (NUXT_BOOTSTRAP_ADMIN_KEY at start): 'created'
 * now, 'exists' already, or why it cannot work ('revoked', 'other-role': creating it again would
 * undo what an admin did, so the caller refuses to start instead).
 */
export function ensureApiKey(key: string, role: Role, name: string): 'created' | 'exists' | 'revoked' | 'other-role' {
  let row = byHash.get({ keyHash: hashKey(key) })
  if (!row) {
    try {
      createApiKey(name, role, key)
      return 'created'
    }
    catch (error) {
      // Another process starting on the same database inserted it between the read and the insert.
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error
      row = byHash.get({ keyHash: hashKey(key) })!
    }
  }
  if (row.revokedAt !== null) return 'revoked'
  return row.role === role ? 'exists' : 'other-role'
}

const lastTouched = new Map<number, number>()

interface Memo { principal: Principal, until: number, generation: number }
/** Verified keys by hash; only valid keys are kept, so an unknown key is always looked up. */
const memo = new Map<string, Memo>()

/** The principal a presented key stands for, or undefined for an unknown or revoked key. */
export function verifyApiKey(key: string, now: number = Date.now()): Principal | undefined {
  // Not only keys with our prefix: NUXT_BOOTSTRAP_ADMIN_KEY is whatever the operator chose.
  if (key.length > MAX_KEY_LENGTH) return undefined
  const keyHash = hashKey(key)
  const known = memo.get(keyHash)
  // The generation changes when another database is opened (tests, restores): its ids are other keys.
  let principal = known && now < known.until && known.generation === connectionGeneration() ? known.principal : undefined
  if (!principal) {
    if (known) memo.delete(keyHash)
    const row = byHash.get({ keyHash })
    if (!row || row.revokedAt !== null) return undefined
    principal = { kind: 'key', id: row.id, role: row.role }
    if (memo.size >= KEY_MEMO_MAX) memo.delete(memo.keys().next().value!)
    memo.set(keyHash, { principal, until: now + KEY_MEMO_MS, generation: connectionGeneration() })
  }
  if (now - (lastTouched.get(principal.id) ?? 0) >= LAST_USED_WRITE_INTERVAL_MS) {
    lastTouched.set(principal.id, now)
    try {
      touch.run({ id: principal.id, at: now })
    }
    catch {
      // A busy database must not turn a read into an error: last_used_at is advisory. On the
      // server the busy timeout is 0, so a lock held elsewhere costs this one try, never a wait.
    }
  }
  // A copy: a caller that changed it must not change what the next request sees.
  return { ...principal }
}

/** Revokes an active key (false when there is none); `audit` is recorded with the update. */
export function revokeApiKey(id: number, now: number = Date.now(), audit?: AuditOf<number>): boolean {
  for (const [keyHash, entry] of memo) {
    if (entry.principal.id === id) memo.delete(keyHash)
  }
  return auditedTransaction(() => (revoke.run({ id, at: now }).changes === 1 ? id : undefined), audit) !== undefined
}

const activeAdmins = defineQuery<Record<string, never>, { n: number }>('apiKeys.activeAdmins',
  `SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`)

export function hasActiveAdminKey(): boolean {
  return activeAdmins.get({})!.n > 0
}

export interface ApiKeyInfo {
  id: number
  name: string
  prefix: string
  role: Role
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

interface ApiKeyInfoRow { id: number, name: string, prefix: string, role: Role, createdAt: number, lastUsedAt: number | null, revokedAt: number | null }

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const toInfo = (r: ApiKeyInfoRow): ApiKeyInfo => ({ ...r, createdAt: iso(r.createdAt)!, lastUsedAt: iso(r.lastUsedAt), revokedAt: iso(r.revokedAt) })

const INFO_COLUMNS = 'id, name, prefix, role, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt'

const listKeys = defineQuery<Record<string, never>, ApiKeyInfoRow>('apiKeys.list',
  `SELECT ${INFO_COLUMNS} FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`)

const infoById = defineQuery<{ id: number }, ApiKeyInfoRow>('apiKeys.byId', `SELECT ${INFO_COLUMNS} FROM api_keys WHERE id = @id`)

/** Every key without its hash: active keys first, newest first. */
export function listApiKeys(): ApiKeyInfo[] {
  return listKeys.all({}).map(toInfo)
}

export function getApiKeyInfo(id: number): ApiKeyInfo | undefined {
  const row = infoById.get({ id })
  return row ? toInfo(row) : undefined
}

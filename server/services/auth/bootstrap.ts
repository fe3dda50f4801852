// Start-up for sign-in: a session password when none is configured, and a first admin user.
// Hashing is asynchronous (scrypt off the event loop), so sign-in waits on `whenUsersReady()`
// rather than racing the first admin's creation.
import { randomBytes } from 'node:crypto'
import type { Role } from '../../database/schema.ts'
import { MAX_KEY_LENGTH } from './api-keys.ts'
import { NewPassword } from './schemas.ts'
import { writeTransaction } from '../query/index.ts'
import { hasActiveAdminUser, insertUser } from './users.ts'

/** A key the operator chose must be at least this long: 32 characters of `openssl rand -base64 32` or `-hex 16` and up. */
export const MIN_BOOTSTRAP_KEY_LENGTH = 32
/** What a Bearer token may hold (RFC 6750 b64token), so that every client can send the key as it is. */
const BEARER_TOKEN = /^[\w\-.~+/]+=*$/

/** iron-webcrypto, which seals the session cookie, needs at least this many characters. */
export const MIN_SESSION_PASSWORD_LENGTH = 32


let ready: Promise<void> = Promise.resolve()

export function whenUsersReady(): Promise<void> {
  return ready
}

/**
 * The session password from the environment; without one, a random one for this process only
 * (sessions then end with the process), with a warning. Too short a password is a start-up error.
 */
export function resolveSessionPassword(configured: string | undefined, log: (line: string) => void): string {
  if (configured) {
    if (configured.length < MIN_SESSION_PASSWORD_LENGTH) {
      throw new Error(`NUXT_SESSION_PASSWORD must be at least ${MIN_SESSION_PASSWORD_LENGTH} characters`)
    }
    return configured
  }
  log('[auth] NUXT_SESSION_PASSWORD is not set: using a random one, so sessions will not survive a restart')
  return randomBytes(32).toString('base64url')
}

/**
 * Why NUXT_BOOTSTRAP_ADMIN_KEY cannot be an API key, or undefined when it can. The message never
 * repeats the key, since it goes to the log.
 */
export function bootstrapKeyProblem(key: string): string | undefined {
  const name = 'NUXT_BOOTSTRAP_ADMIN_KEY'
  if (key.length < MIN_BOOTSTRAP_KEY_LENGTH) return `${name} is too short (${key.length} characters): it must be at least ${MIN_BOOTSTRAP_KEY_LENGTH}, e.g. from \`openssl rand -base64 32\``
  if (key.length > MAX_KEY_LENGTH) return `${name} is too long (${key.length} characters): it may be at most ${MAX_KEY_LENGTH}`
  if (!BEARER_TOKEN.test(key)) {
    // The first offending character: one outside the set, or the first `=` that is not trailing.
    const at = key.search(/[^\w\-.~+/=]|=+[^=]/)
    const what = /\s/.test(key[at]!) ? 'a space or line break' : key[at] === '=' ? 'an = before the end' : 'a character a Bearer token cannot carry'
    return `${name} has ${what} at position ${at + 1}: it may hold letters, digits and - . _ ~ + / (and = only at the end)`
  }
  return undefined
}

/** Why NUXT_BOOTSTRAP_ADMIN_PASSWORD cannot be a password (the users API's rule), or undefined when it can. */
export function bootstrapPasswordProblem(password: string): string | undefined {
  const result = NewPassword.safeParse(password)
  return result.success ? undefined : `NUXT_BOOTSTRAP_ADMIN_PASSWORD ${result.error.issues[0]!.message}`
}

/**
 * Why the bootstrap settings cannot start the portal, or undefined. Checked even when the admin
 * they would create exists already: a setting that could never have worked is an error at once,
 * not a surprise on the day it is needed.
 */
export function bootstrapSettingsProblem(settings: { key: string, password: string }): string | undefined {
  return (settings.key ? bootstrapKeyProblem(settings.key) : undefined) ?? (settings.password ? bootstrapPasswordProblem(settings.password) : undefined)
}

/**
 * A secret setting exactly as the environment holds it. Nitro's runtime config parses NUXT_*
 * values as JSON where it can, so `"abc"` would lose its quotes and a key of 20 digits would turn
 * into `1.2345678901234567e+19`; secrets are read raw, with the runtime config as the fallback.
 */
export function rawSetting(env: Record<string, string | undefined>, name: string, configured: unknown): string {
  return env[name] ?? (configured === undefined || configured === null ? '' : String(configured))
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}

export interface BootstrapAdminOptions {
  email: string
  /** From NUXT_BOOTSTRAP_ADMIN_PASSWORD; when empty a password is generated and printed once. */
  password: string
  hash: (password: string) => Promise<string>
  log: (line: string) => void
}

/** Creates the first admin user when there is no active admin. Resolves to its email, or undefined. */
export function bootstrapAdminUser(options: BootstrapAdminOptions): Promise<string | undefined> {
  const run = async () => {
    if (hasActiveAdminUser()) return undefined
    const password = options.password || generatePassword()
    const role: Role = 'admin'
    const passwordHash = await options.hash(password)
    // After the start: the lock is waited for on timers, like any write the server makes.
    const created = await writeTransaction(() => insertUser({ email: options.email, passwordHash, role }))
    if (!created) {
      options.log(`[auth] no active admin user, and ${options.email} exists with another role or is disabled: not changing it`)
      return undefined
    }
    options.log(options.password
      ? `[auth] created the admin user ${created.email} from NUXT_BOOTSTRAP_ADMIN_PASSWORD`
      : `[auth] no admin user existed; created ${created.email} with the password (shown only now): ${password}`)
    return created.email
  }
  const result = run()
  ready = result.then(() => undefined, () => undefined)
  return result
}

// Start-up for sign-in: a session password when none is configured, and a first admin user.
// Hashing is asynchronous (scrypt off the event loop), so sign-in waits on `whenUsersReady()`
// rather than racing the first admin's creation.
import { randomBytes } from 'node:crypto'
import type { Role } from '../../database/schema.ts'
import { hasActiveAdminUser, insertUser } from './users.ts'

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
    const created = insertUser({ email: options.email, passwordHash: await options.hash(password), role })
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

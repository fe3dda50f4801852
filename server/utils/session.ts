// Starting and ending dashboard sessions: the sealed cookie (nuxt-auth-utils) and its server-side
// row (services/auth/sessions.ts) always together, so no cookie is sealed without a row that can
// later be revoked.
import type { H3Event } from 'h3'
import { writeAudit, type AuditEntry } from '../services/audit.ts'
import { createSession, revokeSession } from '../services/auth/sessions.ts'
import { writeTransaction } from '../services/query/index.ts'
import { sessionData, sessionTokenOf, type User } from '../services/auth/users.ts'

/** How long a session lasts: the cookie's max age (runtimeConfig.session.maxAge, seconds). */
function sessionTtlMs(event: H3Event): number {
  return Number(useRuntimeConfig().session?.maxAge || 60 * 60 * 12) * 1000
}

/**
 * Signs a user in on this request: a new server-side session and a new cookie naming it. A session
 * the browser held before ends, so that no copy of the cookie it replaces stays signed in. With
 * `audit`, its row commits with the session: a sign-in refused for a busy database leaves nothing.
 * `user` may be the write that yields the user (a password change): it then commits in the same
 * transaction as the session, so a busy database refuses both or neither; what it throws rolls
 * both back.
 */
export async function startSession(event: H3Event, user: User | (() => User), audit?: AuditEntry): Promise<void> {
  const previous = sessionTokenOf(await getUserSession(event))
  const started = await writeTransaction(() => {
    const signedIn = typeof user === 'function' ? user() : user
    if (previous) revokeSession(previous)
    if (audit) writeAudit(audit)
    return { user: signedIn, token: createSession(signedIn.id, sessionTtlMs(event)) }
  })
  await replaceUserSession(event, sessionData(started.user, started.token))
}

/** Ends the session the request's cookie names (if any) on the server; the cookie is cleared by the caller. */
export async function endSession(session: { secure?: unknown }): Promise<void> {
  const token = sessionTokenOf(session)
  if (token) await writeTransaction(() => revokeSession(token))
}

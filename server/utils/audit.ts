// Route glue for the audit log (server/services/audit.ts). Writes hand the service an AuditOf,
// which it records inside its own transaction; reads of one person's records go through the
// read-audit buffer, flushed at least every second.
import type { H3Event } from 'h3'
import { writeAudit, type AuditEntry, type AuditOf } from '../services/audit.ts'
import { bufferReadAudit } from '../services/audit/reads.ts'
import { writeTransaction } from '../services/query/index.ts'

/** 'key:12', 'user:3', or 'anonymous' for a route that needs no credentials. */
export function actorOf(event: H3Event): string {
  const who = event.context.auth
  return who ? `${who.kind}:${who.id}` : 'anonymous'
}

/** The audit row of a write by this request's principal, described from the write's outcome. */
export function auditAs<T>(event: H3Event, action: string, describe: (result: T) => Pick<AuditEntry, 'target' | 'detail'>): AuditOf<T> {
  const actor = actorOf(event)
  return result => ({ actor, action, ...describe(result) })
}

/**
 * Records an action that writes nothing to the database (dropping cached answers) at once: there
 * is no transaction to join, so it is written before the action, and a crash cannot leave the
 * action unrecorded.
 */
export async function auditNow(event: H3Event, action: string, target: string | null, detail?: Record<string, unknown>): Promise<void> {
  const entry = { actor: actorOf(event), action, target, detail }
  await writeTransaction(() => writeAudit(entry))
}

/** Records that this request was answered one person's records (never the values themselves). */
export function auditRead(event: H3Event, action: `read.${string}`, target: string | null, detail?: Record<string, unknown>): void {
  // A HEAD runs the GET's handler but is sent no records: nothing was read out, and it writes nothing.
  if (event.method === 'HEAD') return
  bufferReadAudit({ actor: actorOf(event), action, target, detail })
}

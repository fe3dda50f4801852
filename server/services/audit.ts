// The audit log: who changed or read what. Actors are keys or users ('key:12'), never patients;
// targets are row ids ('claim:8') or pseudonymous personIds; details hold counts, ids and field
// names, never claim contents or metric values.
//
// A write's row goes in the write's own transaction (auditedTransaction): the change and its
// record commit together or not at all, even when the process is killed between the two.
import { defineQuery, inTransaction } from './query/index.ts'

export interface AuditEntry {
  actor: string
  action: string
  target: string | null
  detail?: Record<string, unknown>
}

/** What a write records about itself once it knows its outcome. */
export type AuditOf<T> = (result: T) => AuditEntry

const insert = defineQuery<{ at: number, actor: string, action: string, target: string | null, detail: string | null }, never>('audit.insert',
  'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)')

/** Inserts one row now; inside a transaction it commits or rolls back with it. */
export function writeAudit(entry: AuditEntry, at: number = Date.now()): void {
  insert.run({ at, actor: entry.actor, action: entry.action, target: entry.target, detail: entry.detail ? JSON.stringify(entry.detail) : null })
}

/** writeAudit with positional fields (sign-in events, which change nothing else). */
export function recordAudit(actor: string, action: string, target: string | null, detail?: Record<string, unknown>): void {
  writeAudit({ actor, action, target, detail })
}

/**
 * Runs a write in one IMMEDIATE transaction and records its audit row inside it: if the audit
 * insert fails, the write is rolled back too. A write that found nothing to act on (undefined: a
 * 404) records nothing. Without `audit` (CLI scripts, seeding) it is a plain transaction.
 */
export function auditedTransaction<T>(write: () => T, audit: AuditOf<NonNullable<T>> | undefined): T {
  return inTransaction(() => {
    const result = write()
    if (audit && result !== undefined && result !== null) writeAudit(audit(result))
    return result
  })
}

// The audit log: who changed what. Actors are keys or users ('key:12'), never patients; details
// hold counts and field names, never claim contents.
import { defineQuery } from './query/index.ts'

const insert = defineQuery<{ at: number, actor: string, action: string, target: string | null, detail: string | null }, never>('audit.insert',
  'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)')

export function recordAudit(actor: string, action: string, target: string | null, detail?: Record<string, unknown>): void {
  insert.run({ at: Date.now(), actor, action, target, detail: detail ? JSON.stringify(detail) : null })
}

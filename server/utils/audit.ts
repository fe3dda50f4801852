import type { H3Event } from 'h3'
import { recordAudit } from '../services/audit.ts'

/** Records a change made by the request's principal. */
export function audit(event: H3Event, action: string, target: string | null, detail?: Record<string, unknown>): void {
  const who = event.context.auth
  recordAudit(who ? `${who.kind}:${who.id}` : 'anonymous', action, target, detail)
}

// What GET /admin/audit answers, as a zod schema (see claims/responses.ts).
import { z } from 'zod'
import { Instant, listOf } from '../responses.ts'

export const AuditEntry = z.object({
  id: z.number().int(),
  at: Instant,
  actor: z.string().meta({ description: '`key:12`, `user:3` or `anonymous`' }),
  action: z.string(),
  target: z.string().nullable().meta({ description: '`claim:ID`, `key:ID`, `user:ID` or a pseudonymous personId' }),
  detail: z.record(z.string(), z.unknown()).nullable().meta({ description: 'counts, ids and field names, never values' }),
}).meta({ id: 'AuditEntry' })

export const AuditList = listOf(AuditEntry)

// What GET /admin/backups answers, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { BACKUP_STATUSES } from '../../database/schema.ts'
import { Instant, listOf } from '../responses.ts'

export const Backup = z.object({
  id: z.number().int(),
  fileName: z.string(),
  path: z.string().meta({ description: 'where the file was written (removed with its record when pruned)' }),
  at: Instant.meta({ description: 'when the backup was over' }),
  startedAt: Instant,
  finishedAt: Instant,
  sizeBytes: z.number().int().min(0).nullable().meta({ description: 'of the file as stored; null when it failed' }),
  durationMs: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().meta({ description: 'of the file as stored (the ciphertext when encrypted); null when it failed' }),
  integrity: z.string().nullable().meta({ description: '`ok`, or what `PRAGMA integrity_check` found in the copy; null when the copy never got that far' }),
  encrypted: z.boolean(),
  status: z.enum(BACKUP_STATUSES),
  error: z.string().nullable(),
}).meta({ id: 'Backup' })

export const BackupList = listOf(Backup)

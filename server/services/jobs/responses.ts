// What GET /jobs/:id and GET /admin/jobs answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { JOB_STATUSES } from '../../database/schema.ts'
import { Instant, listOf } from '../responses.ts'
import { JOB_TASKS } from './queue.ts'

export const Job = z.object({
  id: z.number().int(),
  task: z.enum(JOB_TASKS),
  status: z.enum(JOB_STATUSES),
  payload: z.record(z.string(), z.unknown()).nullable().meta({ description: 'null below admin' }),
  attempts: z.number().int().min(0),
  maxAttempts: z.number().int().min(1),
  queuedAt: Instant,
  runAfter: Instant,
  startedAt: Instant.nullable(),
  finishedAt: Instant.nullable(),
  durationMs: z.number().min(0).nullable(),
  error: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable().meta({ description: 'null below admin, except a running job\'s `{ progress: { done, total } }`' }),
}).meta({ id: 'Job' })

export const JobList = listOf(Job)

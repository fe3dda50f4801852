// GET /api/v1/admin/jobs: recent runs, newest first, optionally of one status or task.
import { z } from 'zod'
import { JOB_STATUSES } from '../../database/schema.ts'
import { oneOf, pagination } from '../schemas.ts'
import { JOB_TASKS } from './queue.ts'

export const JobsQuery = z.object({
  status: oneOf(JOB_STATUSES).optional(),
  task: oneOf(JOB_TASKS).optional(),
  limit: pagination.limit,
  cursor: pagination.cursor,
})

// GET /api/v1/admin/backups: newest first, keyset-paged like the other admin lists.
import { z } from 'zod'
import { pagination } from '../schemas.ts'

export const BackupsQuery = z.object({
  limit: pagination.limit,
  cursor: pagination.cursor,
})

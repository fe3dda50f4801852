// Backups taken (verified and failed), newest first, cursor-paged.
import { listBackups } from '../../../services/backups/records.ts'
import { BackupsQuery } from '../../../services/backups/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, BackupsQuery)
  return listBackups(query)
})

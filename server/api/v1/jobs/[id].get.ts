// One job's state for whoever queued or watches it; its payload and result only for admins.
import { roleAllows } from '../../../services/auth/api-keys.ts'
import { getJob, jobWithoutPersonalData } from '../../../services/jobs/queue.ts'
import { idParam } from '../../../services/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const job = found(getJob(id), `No job with id ${id}`)
  const role = event.context.auth?.role
  return role && roleAllows(role, 'admin') ? job : jobWithoutPersonalData(job)
})

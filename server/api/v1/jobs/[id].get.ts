import { getJob } from '../../../services/jobs/queue.ts'
import { idParam } from '../../../services/schemas.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const job = getJob(id)
  if (!job) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No job with id ${id}` })
  return job
})

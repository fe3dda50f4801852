import { listJobs } from '../../../services/jobs/queue.ts'
import { JobsQuery } from '../../../services/jobs/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, JobsQuery)
  return listJobs(query)
})

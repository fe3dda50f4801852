// An online backup now: queued as a db.backup job (the copy and its integrity_check can take
// minutes on a large database), answered 202 with the job to follow.
import { enqueueJob } from '../../../services/jobs/queue.ts'
import { kickJobRunner } from '../../../services/jobs/runner.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const job = await writeTransaction(() => enqueueJob('db.backup', undefined, { audit: auditAs(event, 'db.backup', j => ({ target: null, detail: { jobId: j.id } })) }))
  kickJobRunner()
  setResponseStatus(event, 202, 'Accepted')
  setResponseHeader(event, 'Location', `/api/v1/jobs/${job.id}`)
  return { jobId: job.id }
})

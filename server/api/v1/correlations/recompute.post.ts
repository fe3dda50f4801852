import { RecomputeBody } from '../../../services/correlations/schemas.ts'
import { findPersonId } from '../../../services/health/people.ts'
import { enqueueJob } from '../../../services/jobs/queue.ts'
import { kickJobRunner } from '../../../services/jobs/runner.ts'
import { notFound } from '../../../services/errors.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  // An empty body means everyone; `null` or any other non-object is refused like other bad input.
  const body = await readJsonBody(event, 4096)
  const { personId } = parseInput(RecomputeBody, body === undefined ? {} : body)
  if (personId !== undefined && findPersonId(personId) === undefined) {
    throw notFound('No person with that personId')
  }
  const job = await writeTransaction(() => enqueueJob('correlations.recompute', { personId },
    { audit: auditAs(event, 'correlations.recompute', j => ({ target: personId ?? null, detail: { jobId: j.id } })) }))
  kickJobRunner()
  setResponseStatus(event, 202, 'Accepted')
  setResponseHeader(event, 'Location', `/api/v1/jobs/${job.id}`)
  return { jobId: job.id }
})

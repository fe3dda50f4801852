// Nitro task jobs:retention: queues a jobs.retention job with the retention period from
// NUXT_RETENTION_JOBS_DAYS (run on the job worker thread, which has no runtime config).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { parseRetentionDays } from '../../services/jobs/retention.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'jobs:retention', description: 'Delete finished job runs older than NUXT_RETENTION_JOBS_DAYS' },
  async run() {
    const days = parseRetentionDays(useRuntimeConfig().retentionJobsDays)
    const job = await writeTransaction(() => enqueueJob('jobs.retention', { days }))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

// Nitro task rollups:check: queues a rollups.check job (recorded in job_runs, run on the job worker thread).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'rollups:check', description: 'Compare claims_daily and health_daily with their raw rows and repair (payload: { repair?: false })' },
  async run({ payload }) {
    const job = await writeTransaction(() => enqueueJob('rollups.check', payload as Record<string, unknown>))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

// Nitro task integrity:check: queues a integrity.check job (recorded in job_runs, run on the job worker thread).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'integrity:check', description: 'Report gaps per person and metric, implausible values and disagreeing rollups' },
  async run({ payload }) {
    const job = await writeTransaction(() => enqueueJob('integrity.check', payload as Record<string, unknown>))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

// Nitro task correlations:recompute: queues a correlations.recompute job (recorded in job_runs, run on the job worker thread).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'correlations:recompute', description: 'Recompute correlations and insights (payload: { personId? })' },
  async run({ payload }) {
    const job = await writeTransaction(() => enqueueJob('correlations.recompute', payload as Record<string, unknown>))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

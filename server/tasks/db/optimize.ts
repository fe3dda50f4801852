// Nitro task db:optimize: queues a db.optimize job (recorded in job_runs, run on the job worker thread).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'db:optimize', description: 'PRAGMA optimize: refresh stale planner statistics' },
  async run({ payload }) {
    const job = await writeTransaction(() => enqueueJob('db.optimize', payload as Record<string, unknown>))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

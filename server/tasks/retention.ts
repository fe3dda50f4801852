// Nitro task retention: queues a retention job with the days from NUXT_RETENTION_* (run on the
// job worker thread, which has no runtime config).
import { enqueueJob } from '../services/jobs/queue.ts'
import { kickJobRunner } from '../services/jobs/runner.ts'
import { writeTransaction } from '../services/query/index.ts'
import { retentionDays } from '../services/retention/settings.ts'

export default defineTask({
  meta: { name: 'retention', description: 'Delete health data, audit rows, job runs and sessions older than NUXT_RETENTION_*' },
  async run() {
    const config = useRuntimeConfig() as Record<string, unknown>
    const days = retentionDays(setting => config[setting.configKey])
    const job = await writeTransaction(() => enqueueJob('retention', days))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

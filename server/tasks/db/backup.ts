// Nitro task db:backup: queues a db.backup job (recorded in job_runs, run on the job worker thread
// with the NUXT_BACKUP_* settings the backups plugin configured).
import { enqueueJob } from '../../services/jobs/queue.ts'
import { kickJobRunner } from '../../services/jobs/runner.ts'
import { writeTransaction } from '../../services/query/index.ts'

export default defineTask({
  meta: { name: 'db:backup', description: 'Online backup into NUXT_BACKUP_DIR, verified and recorded, keeping the newest NUXT_BACKUP_KEEP' },
  async run() {
    const job = await writeTransaction(() => enqueueJob('db.backup'))
    kickJobRunner()
    return { result: { jobId: job.id } }
  },
})

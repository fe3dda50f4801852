// Background jobs: the runner that takes queued jobs (and requeues runs cut off by a restart)
// and the scheduler that queues the recurring ones from NUXT_JOB_SCHEDULE. With several
// processes on one database, set NUXT_JOB_RUNNER=false on all but one: the others still queue.
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { useConnection } from '../database/client.ts'
import { HEALTH_DATA, invalidate } from '../services/cache/index.ts'
import { lastQueuedAt } from '../services/jobs/queue.ts'
import { JobRunner, setJobRunner } from '../services/jobs/runner.ts'
import { checkEveryMs, dueEntries, parseSchedule, ScheduleError } from '../services/jobs/schedule.ts'
import { configureJobWorker, findWorkerBundle, WORKER_BUNDLE_NAME } from '../services/jobs/worker-host.ts'
import { exitOnStartupError, StartupError } from '../services/lifecycle/exit-codes.ts'
import { RetentionError, retentionDays } from '../services/retention/settings.ts'

const isOn = (v: unknown) => v !== false && String(v) !== 'false'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  // A malformed retention period or schedule stops the start with one line and EX_CONFIG, rather
  // than failing every retention run or silently running no jobs.
  const schedule = settingOrExit(() => {
    retentionDays(setting => (config as Record<string, unknown>)[setting.configKey])
    return parseSchedule(String(config.jobSchedule ?? ''))
  })
  if (!isOn(config.jobRunner)) return
  // Resolved at the first job: while the server's chunks load, import.meta.url is a placeholder.
  // The built server runs the emitted bundle with the main thread's better-sqlite3 (never the
  // sources, which would load a second copy from the project's node_modules); `nuxt dev` runs the
  // source entry with Node's type stripping.
  configureJobWorker(() => {
    if (import.meta.dev) return { entry: resolve('server/services/jobs/worker.ts') }
    const entry = findWorkerBundle(import.meta.url)
    if (!entry) throw new Error(`${WORKER_BUNDLE_NAME} is missing beside the server; rebuild with npm run build`)
    return { entry, driver: createRequire(import.meta.url).resolve('better-sqlite3') }
  })

  const runner = new JobRunner({
    dbPath: useConnection().path,
    pollMs: Number(config.jobPollMs),
    retryBaseMs: Number(config.jobRetryBaseMs),
    timeoutMs: Number(config.jobTimeoutMs),
    // A recompute replaced correlations and insights: drop their cached answers (no request waits
    // for this one; writes made by requests invalidate before answering, server/utils/cache.ts).
    onSucceeded(job) {
      if (job.task !== 'correlations.recompute') return
      invalidate(HEALTH_DATA.correlations).catch(error => console.warn(`[cache] invalidating correlations failed: ${(error as Error).message}`))
    },
  })
  runner.start().then((requeued) => {
    if (requeued) console.info(`[jobs] requeued ${requeued} run(s) cut off by a restart`)
  })
  setJobRunner(runner)

  const startedAt = Date.now()
  const timer = schedule.length === 0
    ? undefined
    : setInterval(() => {
        for (const entry of dueEntries(schedule, Date.now(), startedAt, lastQueuedAt)) {
          // A database locked past the write wait: the task is still due, and queued at the next check.
          runTask(entry.task.replace('.', ':'), { payload: {} })
            .catch(error => console.warn(`[jobs] could not queue ${entry.task} yet: ${(error as Error).message}`))
        }
      }, checkEveryMs(schedule))
  timer?.unref()

  nitroApp.hooks.hook('close', async () => {
    clearInterval(timer)
    setJobRunner(undefined)
    await runner.stop()
  })
})

function settingOrExit<T>(read: () => T): T {
  try {
    return read()
  }
  catch (error) {
    exitOnStartupError(error instanceof RetentionError || error instanceof ScheduleError ? new StartupError(error.message) : error)
  }
}

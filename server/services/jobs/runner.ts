// The job runner of this process: takes queued jobs one at a time (heavy jobs would only compete
// for the same cores), runs each on a worker thread and records the outcome. Polls for runnable
// jobs (retries become due, other processes enqueue) and is woken at once by enqueues made here.
import { claimNextJob, completeJob, failJob, recordJobProgress, requeueInterruptedJobs, requeueStoppedJob, type ClaimedJob } from './queue.ts'
import { runInWorker } from './worker-host.ts'

export interface RunnerOptions {
  dbPath: string
  /** How often to look for runnable jobs when idle. */
  pollMs: number
  /** First retry delay; each later one is four times longer. */
  retryBaseMs: number
  /** A run longer than this is stopped and counts as a failed attempt. */
  timeoutMs: number
  /**
   * Called after each successful run. Hook point for cache invalidation: a
   * `correlations.recompute` with `payload.personId` changed that person's correlations and
   * insights; without one, everyone's.
   */
  onSucceeded?: (job: ClaimedJob, result: Record<string, unknown>) => void
}

export class JobRunner {
  private readonly options: RunnerOptions
  private timer: ReturnType<typeof setInterval> | undefined
  private running: Promise<void> | undefined
  private stopped = false
  private readonly stopping = new AbortController()

  constructor(options: RunnerOptions) {
    this.options = options
  }

  /** Requeues runs cut off by a restart and starts polling; returns how many were requeued. */
  start(): number {
    const requeued = requeueInterruptedJobs()
    this.timer = setInterval(() => this.kick(), this.options.pollMs)
    this.timer.unref()
    // Not synchronously: the server is still loading its modules while plugins run.
    setImmediate(() => this.kick())
    return requeued
  }

  /** Runs every runnable job now, unless a drain is already under way. */
  kick(): void {
    if (this.stopped || this.running) return
    this.running = this.drain().finally(() => (this.running = undefined))
  }

  /**
   * Stops taking jobs; a job still running is stopped (its worker ends, its uncommitted writes
   * with it) and queued again at once, without counting the attempt. Resolves when that is done.
   */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.stopping.abort()
    await this.running
  }

  /** Resolves when the current drain (if any) is over; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.running
  }

  private async drain(): Promise<void> {
    // Stopped is checked before each claim: a job claimed after stop() would be left 'running'.
    while (!this.stopped) {
      const job = claimNextJob()
      if (!job) return
      await this.runOne(job)
    }
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    try {
      const result = await runInWorker(job.task, job.payload, {
        dbPath: this.options.dbPath,
        timeoutMs: this.options.timeoutMs,
        onProgress: (done, total) => recordJobProgress(job.id, done, total),
        signal: this.stopping.signal,
      })
      completeJob(job.id, result)
      this.options.onSucceeded?.(job, result)
    }
    catch (error) {
      if (this.stopped) {
        requeueStoppedJob(job.id)
        console.info(`[jobs] stopped ${job.task} (job ${job.id}) for the shutdown; it is queued again`)
        return
      }
      failJob(job.id, job.attempts, (error as Error).message, { retryBaseMs: this.options.retryBaseMs })
    }
  }
}

let current: JobRunner | undefined

export function setJobRunner(runner: JobRunner | undefined): void {
  current = runner
}

/** Wakes this process's runner after an enqueue (a no-op where no runner runs). */
export function kickJobRunner(): void {
  current?.kick()
}

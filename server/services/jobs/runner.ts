// The job runner of this process: takes queued jobs one at a time (heavy jobs would only compete
// for the same cores), runs each on a worker thread and records the outcome. Polls for runnable
// jobs (retries become due, other processes enqueue) and is woken at once by enqueues made here.
// Its writes never block the event loop and never throw out of a timer: on a database another
// connection keeps locked, a claim is tried again at the next poll, and an outcome (success,
// failure) waits and is tried again until it is written, so no finished run is lost.
import { isBusyError, writeTransaction } from '../query/index.ts'
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
  private started: Promise<number> | undefined
  private stopped = false
  private readonly stopping = new AbortController()

  constructor(options: RunnerOptions) {
    this.options = options
  }

  /**
   * Requeues runs cut off by a restart and starts polling; resolves to how many were requeued
   * (undefined when stopped first). No job is claimed before the requeue is written.
   */
  start(): Promise<number | undefined> {
    this.started = this.persist(() => requeueInterruptedJobs()).then(n => n ?? 0, (error) => {
      console.error(`[jobs] could not requeue interrupted runs: ${(error as Error).message}`)
      return 0
    })
    this.timer = setInterval(() => this.kick(), this.options.pollMs)
    this.timer.unref()
    // Not synchronously: the server is still loading its modules while plugins run.
    setImmediate(() => this.kick())
    return this.started.then(n => (this.stopped ? undefined : n))
  }

  /** Runs every runnable job now, unless a drain is already under way. */
  kick(): void {
    if (this.stopped || this.running) return
    this.running = this.drain()
      // Nothing a drain meets (a closed database at shutdown, a bug) may become an unhandled rejection.
      .catch(error => console.error(`[jobs] the runner stopped a drain: ${(error as Error).message}`))
      .finally(() => (this.running = undefined))
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
    await this.started
    // Stopped is checked before each claim: a job claimed after stop() would be left 'running'.
    for (let job = await this.claim(); job && !this.stopped; job = await this.claim()) await this.runOne(job)
  }

  /** The next runnable job; undefined when there is none, or the database is locked (tried again at the next poll). */
  private async claim(): Promise<ClaimedJob | undefined> {
    if (this.stopped) return undefined
    try {
      return await writeTransaction(() => claimNextJob(), { waitMs: 0 })
    }
    catch (error) {
      if (isBusyError(error)) return undefined
      throw error
    }
  }

  /**
   * Writes `write` however long another connection keeps the database locked: each try waits up
   * to the write budget on timers, then the next begins. Undefined when the runner stopped first
   * (a run left 'running' is requeued at the next start).
   */
  private async persist<T>(write: () => T): Promise<T | undefined> {
    for (;;) {
      try {
        return await writeTransaction(write)
      }
      catch (error) {
        if (!isBusyError(error)) throw error
        if (this.stopped) return undefined
        console.warn(`[jobs] the database is locked; still waiting to record a job's state`)
      }
    }
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    try {
      const result = await runInWorker(job.task, job.payload, {
        dbPath: this.options.dbPath,
        timeoutMs: this.options.timeoutMs,
        onProgress: (done, total) => this.progress(job.id, done, total),
        signal: this.stopping.signal,
      })
      await this.persist(() => completeJob(job.id, result))
      this.options.onSucceeded?.(job, result)
    }
    catch (error) {
      if (this.stopped) {
        await this.persist(() => requeueStoppedJob(job.id))
        console.info(`[jobs] stopped ${job.task} (job ${job.id}) for the shutdown; it is queued again`)
        return
      }
      const message = (error as Error).message
      await this.persist(() => failJob(job.id, job.attempts, message, { retryBaseMs: this.options.retryBaseMs }))
    }
  }

  /** Progress is advisory: one try, and on a locked database the next report replaces it. */
  private progress(id: number, done: number, total: number): void {
    writeTransaction(() => recordJobProgress(id, done, total), { waitMs: 0 }).catch((error) => {
      if (!isBusyError(error)) console.warn(`[jobs] could not record progress: ${(error as Error).message}`)
    })
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

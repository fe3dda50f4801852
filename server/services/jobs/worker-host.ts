// Runs one job on a worker thread with its own database connection, so CPU-heavy work (a
// recompute of everyone's correlations, a scan of every raw row) never blocks the event loop.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { backupSettings } from '../backups/settings.ts'
import { slowLogSettings } from '../query/stats.ts'
import { mergeStatementBatch, type StatementBatch } from '../query/transfer.ts'
import type { JobTask } from './queue.ts'

/** The bundled entry the build emits next to the server (see bundle-worker.ts). */
export const WORKER_BUNDLE_NAME = 'job-worker.mjs'

export interface WorkerEntry {
  /** The worker's entry module. */
  entry: URL | string
  /**
   * The better-sqlite3 module the main thread uses, for the worker to load too. Two copies of
   * SQLite in one process do not see each other's POSIX locks, and that corrupts the file.
   */
  driver?: string
}

// From the sources (unit tests) the entry is worker.ts beside this file and better-sqlite3
// resolves to the same node_modules for both threads. The server configures the built bundle.
let resolveEntry: () => WorkerEntry = () => ({ entry: new URL('./worker.ts', import.meta.url) })
let resolved: WorkerEntry | undefined

/** Sets how to find the worker; resolved at the first job, not at start-up. */
export function configureJobWorker(resolver: () => WorkerEntry): void {
  resolveEntry = resolver
  resolved = undefined
}

/**
 * The emitted bundle, looked for in the directory of `from` and the ones above it (the server's
 * entry is .output/server/index.mjs, its chunks sit below), or undefined when there is none.
 */
export function findWorkerBundle(from: string): string | undefined {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from)
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, WORKER_BUNDLE_NAME)
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return undefined
}

export class JobTimeout extends Error {}

export interface WorkerRunOptions {
  dbPath: string
  timeoutMs: number
  onProgress?: (done: number, total: number) => void
  /** Stops the worker (a shutdown): the run rejects with JobStopped. */
  signal?: AbortSignal
}

export class JobStopped extends Error {}

export function runInWorker(task: JobTask, payload: Record<string, unknown>, options: WorkerRunOptions): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let worker: Worker
    try {
      const { entry, driver } = resolved ??= resolveEntry()
      worker = new Worker(entry, { workerData: { dbPath: options.dbPath, task, payload, driver, slowLog: slowLogSettings(), backup: backupSettings() } })
    }
    catch (error) {
      reject(error)
      return
    }
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
      void worker.terminate()
    }
    const timer = setTimeout(() => settle(() => reject(new JobTimeout(`${task} took longer than ${options.timeoutMs} ms and was stopped`))), options.timeoutMs)
    worker.on('message', (msg: { type: string, result?: Record<string, unknown>, message?: string, done?: number, total?: number, batch?: StatementBatch }) => {
      // The job's statements join this thread's statistics (/admin/queries, /metrics, slow log).
      if (msg.type === 'statements') mergeStatementBatch(msg.batch!)
      else if (msg.type === 'progress') options.onProgress?.(msg.done!, msg.total!)
      else if (msg.type === 'done') settle(() => resolve(msg.result ?? {}))
      else if (msg.type === 'error') settle(() => reject(new Error(msg.message)))
    })
    options.signal?.addEventListener('abort', () => settle(() => reject(new JobStopped(`${task} was stopped`))), { once: true })
    worker.on('error', error => settle(() => reject(error)))
    worker.on('exit', code => settle(() => reject(new Error(`the job worker exited (code ${code}) before finishing`))))
  })
}

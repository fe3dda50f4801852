// The job worker thread's entry: opens its own connection to the database file, runs one job's
// handler and posts back its result. A fresh thread per job keeps a crash or a runaway job
// isolated (the host terminates it) at the cost of a few milliseconds to start.
//
// From the sources (unit tests, `npm run dev`) Node runs this file directly with type stripping;
// the built server runs the bundle of it that the build emits (bundle-worker.ts).
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { closeDatabase, initDatabase } from '../../database/client.ts'
import { configureBackups, type BackupSettings } from '../backups/settings.ts'
import { configureSlowLog, type SlowLogSettings } from '../query/stats.ts'
import { takeStatementBatch } from '../query/transfer.ts'
import { HANDLERS } from './handlers.ts'
import type { JobTask } from './queue.ts'

interface Input {
  dbPath: string
  task: JobTask
  payload: Record<string, unknown>
  /** The main thread's slow-query settings, so this thread's statements are judged alike. */
  slowLog?: SlowLogSettings
  /** The main thread's backup settings (NUXT_BACKUP_*), the encryption key among them. */
  backup?: BackupSettings
}

/**
 * Requests come first: on Linux a thread id is a valid target for setpriority, so this thread
 * (and only it) runs at nice 10 and yields the cores to the event loop when they are contended.
 * Elsewhere it keeps the normal priority.
 */
function lowerPriority(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10)
  }
  catch {
    // Not Linux, or not allowed: run at the normal priority.
  }
}

const { dbPath, task, payload, slowLog, backup } = workerData as Input
// Retention holds the write lock a chunk at a time and sleeps between chunks: descheduled at
// nice 10 mid-chunk, it would keep every writer waiting for as long as the cores are busy.
if (task !== 'retention') lowerPriority()
const port = parentPort!
if (slowLog) configureSlowLog(slowLog)
// A Buffer arrives as a Uint8Array after the structured clone.
if (backup) configureBackups({ ...backup, key: backup.key ? Buffer.from(backup.key) : undefined })
let lastProgress = 0

/**
 * This thread's statements go back to the main thread's statistics: batched with each progress
 * report and once at the end (before the result, so they are counted when the job is done).
 */
function sendStatements(): void {
  const batch = takeStatementBatch()
  if (batch.statements.length || batch.slow.length) port.postMessage({ type: 'statements', batch })
}

try {
  initDatabase(dbPath)
  const handler = HANDLERS[task]
  if (!handler) throw new Error(`No handler for task ${task}`)
  const result = await handler(payload, (done, total) => {
    const now = performance.now()
    if (now - lastProgress < 500 && done < total) return
    lastProgress = now
    sendStatements()
    port.postMessage({ type: 'progress', done, total })
  })
  sendStatements()
  port.postMessage({ type: 'done', result })
}
catch (error) {
  sendStatements()
  port.postMessage({ type: 'error', message: (error as Error).message })
}
finally {
  closeDatabase()
}

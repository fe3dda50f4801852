// Long reads off the event loop. A statement that may visit hundreds of thousands of rows (an
// exact count under an unusual filter combination, say) runs on a worker thread with its own
// read-only connection: WAL lets it read while the main connection serves other requests and
// writes. Only catalogued SQL is sent, by name; the worker keeps each statement prepared.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { useConnection } from '../../database/client.ts'
import type { NamedQuery } from './index.ts'

// Plain JavaScript, evaluated in the worker: it needs nothing but better-sqlite3, whose path the
// main thread resolves (so it works from the sources and from the bundled .output alike).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
db.pragma('cache_size = -65536')
db.pragma('mmap_size = 268435456')
const statements = new Map()
parentPort.on('message', ({ id, sql, params, mode }) => {
  try {
    let stmt = statements.get(sql)
    if (!stmt) statements.set(sql, stmt = db.prepare(sql))
    const started = performance.now()
    const result = mode === 'get' ? stmt.get(params) : stmt.all(params)
    parentPort.postMessage({ id, result, ms: performance.now() - started })
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } })
  }
})
`

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

let worker: Worker | undefined
let workerPath: string | undefined
let nextId = 0
const pending = new Map<number, Pending>()

function ensureWorker(): Worker {
  const path = useConnection().path
  if (worker && workerPath === path) return worker
  void worker?.terminate()
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } })
  w.unref()
  w.on('message', (msg: { id: number, result?: unknown, ms?: number, error?: { message: string, code?: string } }) => {
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }))
    else p.resolve({ result: msg.result, ms: msg.ms })
  })
  w.on('error', (error: Error) => {
    for (const p of pending.values()) p.reject(error)
    pending.clear()
    worker = undefined
  })
  worker = w
  workerPath = path
  return w
}

/** Runs a catalogued read on the worker thread; recorded on the same path as any other named query. */
export async function runOffThread<P extends Record<string, unknown>, R>(query: NamedQuery<P, R>, params: P, mode: 'all' | 'get' = 'all'): Promise<R[] | R | undefined> {
  const id = nextId++
  const w = ensureWorker()
  const { result, ms } = await new Promise<{ result: unknown, ms: number }>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    w.postMessage({ id, sql: query.sql, params, mode })
  })
  const rows = Array.isArray(result) ? result.length : result === undefined ? 0 : 1
  // Recorded after the await, so in the request's async context: its Server-Timing `db` counts
  // the worker's execution time (not the wait for a busy worker).
  query.record(ms, rows, params)
  return result as R[] | R | undefined
}

export async function stopOffThreadWorker(): Promise<void> {
  await worker?.terminate()
  worker = undefined
}

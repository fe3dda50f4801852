// Reads with a time limit, off the event loop. better-sqlite3 is synchronous and exposes neither
// sqlite3_interrupt nor a progress handler (WiseLibs/better-sqlite3 #568, #707), so a statement
// on the main thread cannot be stopped and holds the loop for as long as it runs. Reads whose
// cost is not bounded by an index walk and a LIMIT run here instead: on a small pool of reader
// threads, each with its own read-only connection (WAL lets them read while the main connection
// writes) and its own cache of prepared statements. Only catalogued SQL is sent, by name's SQL;
// only rows come back.
//
// Each read has a deadline (NUXT_QUERY_TIMEOUT_MS from when it was asked for, or the deadline of
// the request's read it is part of). Past it the caller gets a QueryTimeoutError at once (503),
// whether the read was still queued or running. What "stopped" means:
// - A read still queued is dropped and never runs.
// - A running read that returns rows is stepped one row at a time, and its thread checks the
//   deadline between rows: it gives up by itself, and the thread stays in the pool.
// - A running read that is inside one long sqlite3_step (a count, a GROUP BY or a sort over a
//   large range: SQLite does all the work before the first row) cannot be interrupted. Its
//   thread is terminated and replaced by a fresh one at once; V8 ends the old thread only when
//   SQLite returns to JavaScript, so until then that statement keeps one core busy and holds its
//   WAL snapshot (a checkpoint cannot pass it). Stepping row by row is what makes the common
//   case (a filtered walk that finds few rows) stop within one row.
//
// A database in memory has no file another thread could open: its reads run inline, unlimited.
import { availableParallelism } from 'node:os'
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
// A reader never waits on the write lock in WAL mode; a short wait covers a checkpoint's moment.
db.pragma('busy_timeout = 100')
db.pragma('cache_size = -65536')
db.pragma('temp_store = MEMORY')
db.pragma('mmap_size = 268435456')
const statements = new Map()
parentPort.on('message', ({ id, sql, params, mode, budgetMs }) => {
  const started = performance.now()
  const until = started + budgetMs
  try {
    let stmt = statements.get(sql)
    if (!stmt) statements.set(sql, stmt = db.prepare(sql))
    let result
    if (mode === 'get') result = stmt.get(params)
    else {
      result = []
      for (const row of stmt.iterate(params)) {
        result.push(row)
        if (performance.now() > until) {
          parentPort.postMessage({ id, timedOut: true, ms: performance.now() - started })
          return
        }
      }
    }
    // Rows travel as one JSON string rather than as a structured clone of the objects: the clone
    // is rebuilt on the main thread in a way its collector reclaimed late (three concurrent
    // exports grew the main heap by ~110 MB this way, against under 64 MB with JSON; SQLite's
    // values, numbers, text and NULL, survive JSON unchanged; no portal read returns a BLOB).
    parentPort.postMessage({ id, json: result === undefined ? undefined : JSON.stringify(result), ms: performance.now() - started })
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code }, ms: performance.now() - started })
  }
})
parentPort.postMessage({ ready: true })
`

/** A read that ran past its deadline; answered 503 with Retry-After (errors.ts). */
export class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT'
  readonly limitMs: number

  constructor(limitMs: number) {
    // The statement's name and values stay out of it: values can name a patient.
    super(`The query took longer than its time limit (${limitMs} ms) and was stopped`)
    this.name = 'QueryTimeoutError'
    this.limitMs = limitMs
  }
}

export interface ReaderSettings {
  /** Reader threads (NUXT_QUERY_READERS); 0 runs every read inline on the main thread, unlimited. */
  size: number
  /** NUXT_QUERY_TIMEOUT_MS: how long a read may take, queueing included. */
  timeoutMs: number
}

/** Two readers on a two-core machine: the main thread mostly waits while they read. */
export const DEFAULT_READERS = Math.max(1, Math.min(4, availableParallelism()))
export const DEFAULT_QUERY_TIMEOUT_MS = 5000

const settings: ReaderSettings = { size: DEFAULT_READERS, timeoutMs: DEFAULT_QUERY_TIMEOUT_MS }

export function configureReaders(options: Partial<ReaderSettings>): void {
  if (options.size !== undefined && Number.isInteger(options.size) && options.size >= 0) settings.size = options.size
  if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs) && options.timeoutMs > 0) settings.timeoutMs = options.timeoutMs
  void stopOffThreadWorker()
}

export function readerSettings(): ReaderSettings {
  return { ...settings }
}

/** When a read asked for now must be done (performance.now() time); share it across one request's reads. */
export function readDeadline(): number {
  return performance.now() + settings.timeoutMs
}

interface Job {
  sql: string
  params: Record<string, unknown>
  mode: 'all' | 'get'
  deadline: number
  resolve: (value: { result: unknown, ms: number }) => void
  reject: (error: Error) => void
  timer?: NodeJS.Timeout
  /** While running: its thread, and its id in that thread's messages. */
  reader?: Reader
  id?: number
}

interface Reader {
  worker: Worker
  /** It has opened the file: reads go to a thread still starting only when no other is free. */
  ready: boolean
  /** It could not start (the file cannot be opened): replaced after a pause, not in a loop. */
  failed?: boolean
  job?: Job
}

let readers: Reader[] = []
let readersPath: string | undefined
const queue: Job[] = []
let nextId = 0
const jobsById = new Map<number, Job>()
let replaced = 0

let driver: string | undefined

/**
 * better-sqlite3's entry file. In the bundled server's main chunk import.meta.url does not name
 * the file (Nitro rewrites it), so it is looked for from the entry script too (.output/server).
 */
function driverPath(): string {
  if (driver) return driver
  for (const from of [import.meta.url, process.argv[1]]) {
    try {
      return driver = createRequire(from!).resolve('better-sqlite3')
    }
    catch {}
  }
  throw new Error('better-sqlite3 cannot be found for the reader threads')
}

function startReader(path: string): Reader {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver: driverPath() } })
  worker.unref()
  const reader: Reader = { worker, ready: false }
  worker.on('message', (msg: { id?: number, ready?: boolean, json?: string, ms: number, timedOut?: boolean, error?: { message: string, code?: string } }) => {
    if (msg.ready) (reader.ready = true, dispatch())
    if (msg.id === undefined) return
    const job = jobsById.get(msg.id)
    if (!job || reader.job !== job) return
    finish(reader, job)
    if (msg.timedOut) job.reject(new QueryTimeoutError(settings.timeoutMs))
    else if (msg.error) job.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }))
    else job.resolve({ result: msg.json === undefined ? undefined : JSON.parse(msg.json), ms: msg.ms })
    dispatch()
  })
  // A thread that fails or exits unasked is replaced; one that failed before it was up (it
  // could not open the file) a second later, so a file that cannot be read is no spawning loop.
  const lost = (error: Error) => {
    if (!readers.includes(reader) || reader.failed) return
    const job = reader.job
    if (reader.ready) replace(reader)
    else {
      reader.failed = true
      void reader.worker.terminate()
      setTimeout(() => {
        if (readers.includes(reader) && readersPath) (replace(reader), dispatch())
      }, 1000).unref()
    }
    if (job) (finish(undefined, job), job.reject(error))
    dispatch()
  }
  worker.on('error', lost)
  worker.on('exit', code => lost(new Error(`A reader thread exited (code ${code})`)))
  return reader
}

function replace(reader: Reader): void {
  const i = readers.indexOf(reader)
  // Terminated, not awaited: V8 ends it when its statement returns to JavaScript.
  void reader.worker.terminate()
  if (i < 0 || !readersPath) return
  readers[i] = startReader(readersPath)
  replaced++
}

function finish(reader: Reader | undefined, job: Job): void {
  clearTimeout(job.timer)
  if (job.id !== undefined) jobsById.delete(job.id)
  if (reader) reader.job = undefined
  job.reader = undefined
}

function dispatch(): void {
  // Threads that are up first: one that was just started takes a read only if none is.
  for (const reader of [...readers].sort((a, b) => Number(b.ready) - Number(a.ready))) {
    if (reader.job || reader.failed || (!reader.ready && readers.some(r => r.ready && !r.job))) continue
    const job = queue.shift()
    if (!job) return
    const id = job.id = nextId++
    jobsById.set(id, job)
    reader.job = job
    job.reader = reader
    reader.worker.postMessage({ id, sql: job.sql, params: job.params, mode: job.mode, budgetMs: Math.max(0, job.deadline - performance.now()) })
  }
}

function ensureReaders(path: string): void {
  if (readersPath === path && readers.length === settings.size) return
  for (const r of readers) void r.worker.terminate()
  readersPath = path
  readers = Array.from({ length: settings.size }, () => startReader(path))
}

function timeOut(job: Job): void {
  // Timers count whole milliseconds and can fire a fraction early: the deadline is the deadline.
  const early = job.deadline - performance.now()
  if (early > 0) return void (job.timer = setTimeout(() => timeOut(job), Math.ceil(early)))
  const reader = job.reader
  const queued = queue.indexOf(job)
  if (queued >= 0) queue.splice(queued, 1)
  finish(reader, job)
  // Still running: its thread is in a step it cannot leave; a fresh one takes its place.
  if (reader) replace(reader)
  job.reject(new QueryTimeoutError(settings.timeoutMs))
  dispatch()
}

function submit(sql: string, params: Record<string, unknown>, mode: 'all' | 'get', deadline: number): Promise<{ result: unknown, ms: number }> {
  return new Promise((resolve, reject) => {
    const job: Job = { sql, params, mode, deadline, resolve, reject }
    const wait = deadline - performance.now()
    if (wait <= 0) return reject(new QueryTimeoutError(settings.timeoutMs))
    job.timer = setTimeout(() => timeOut(job), Math.ceil(wait))
    queue.push(job)
    dispatch()
  })
}

/**
 * Runs a catalogued read on a reader thread, by its deadline; recorded on the same path as any
 * other named query, a read that timed out included (with the time it was given), so the stats
 * and the slow log show it.
 */
export async function runOffThread<P extends Record<string, unknown>, R>(query: NamedQuery<P, R>, params: P, mode: 'all' | 'get' = 'all', deadline = readDeadline()): Promise<R[] | R | undefined> {
  const asked = performance.now()
  const { path } = useConnection()
  if (path === ':memory:' || settings.size === 0) return mode === 'get' ? query.get(params) : query.all(params)
  ensureReaders(path)
  let outcome: { result: unknown, ms: number }
  try {
    outcome = await submit(query.sql, params, mode, deadline)
  }
  catch (error) {
    if (error instanceof QueryTimeoutError) query.record(performance.now() - asked, 0, params)
    throw error
  }
  const { result, ms } = outcome
  const rows = Array.isArray(result) ? result.length : result === undefined ? 0 : 1
  // Recorded after the await, so in the request's async context: its Server-Timing `db` counts
  // the worker's execution time (not the wait for a busy worker).
  query.record(ms, rows, params)
  return result as R[] | R | undefined
}

/** All the rows of a catalogued read, off the event loop (see runOffThread). */
export async function readAll<P extends Record<string, unknown>, R>(query: NamedQuery<P, R>, params: P, deadline?: number): Promise<R[]> {
  return await runOffThread(query, params, 'all', deadline) as R[]
}

/** The first row of a catalogued read, off the event loop (see runOffThread). */
export async function readOne<P extends Record<string, unknown>, R>(query: NamedQuery<P, R>, params: P, deadline?: number): Promise<R | undefined> {
  return await runOffThread(query, params, 'get', deadline) as R | undefined
}

/** Starts the reader threads now (at server start), so the first reads do not wait for them. */
export function startReaders(): void {
  const { path } = useConnection()
  if (path !== ':memory:' && settings.size > 0) ensureReaders(path)
}

/** Reader threads replaced since start (after a timeout or a failure), for /admin/health. */
export function readersReplaced(): number {
  return replaced
}

/** Stops every reader thread (at shutdown, or when the tests change databases); reads queued are refused. */
export async function stopOffThreadWorker(): Promise<void> {
  const stopping = readers
  readers = []
  readersPath = undefined
  for (const job of queue.splice(0)) (clearTimeout(job.timer), job.reject(new Error('The reader threads stopped')))
  for (const r of stopping) {
    const job = r.job
    if (job) (finish(r, job), job.reject(new Error('The reader threads stopped')))
  }
  await Promise.all(stopping.map(r => r.worker.terminate()))
}

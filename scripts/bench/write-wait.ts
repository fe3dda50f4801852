// `node scripts/bench/write-wait.ts`: what waiting for the write lock on timers costs
// (PERFORMANCE_TUNING.md, "Waiting for the write lock without waiting on the loop"). On a
// temporary file with the server's main-thread settings (busy timeout 0): an uncontended one-row
// write through inTransaction against writeTransaction, a refused BEGIN IMMEDIATE, and the CPU
// that 100 writes waiting 2 s for a lock held by another connection take from the loop.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { setBusyTimeout } from '../../server/database/connection.ts'
import { defineQuery, inTransaction, writeTransaction } from '../../server/services/query/index.ts'

const WRITES = 20_000
const ROUNDS = 7
const WAITERS = 100
const WAIT_MS = 2000

const dir = mkdtempSync(join(tmpdir(), 'write-wait-'))
const conn = initDatabase(join(dir, 'bench.db'))
conn.sqlite.exec('CREATE TABLE t (v INTEGER)')
setBusyTimeout(conn.sqlite, 0)
const insert = defineQuery<{ v: number }, never>('bench.writeWait.insert', 'INSERT INTO t (v) VALUES (@v)')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const perWriteUs = (started: number) => (performance.now() - started) * 1000 / WRITES

const sync: number[] = []
const waiting: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  let started = performance.now()
  for (let i = 0; i < WRITES; i++) inTransaction(() => insert.run({ v: i }))
  sync.push(perWriteUs(started))
  started = performance.now()
  for (let i = 0; i < WRITES; i++) await writeTransaction(() => insert.run({ v: i }))
  waiting.push(perWriteUs(started))
}
console.info(`uncontended one-row write (median of ${ROUNDS} rounds of ${WRITES}): inTransaction ${median(sync).toFixed(1)} µs, writeTransaction ${median(waiting).toFixed(1)} µs`)

const other = new Database(conn.path)
other.exec('BEGIN IMMEDIATE')
let started = performance.now()
for (let i = 0; i < WRITES; i++) {
  try {
    conn.sqlite.transaction(() => 0).immediate()
  }
  catch {}
}
console.info(`a refused BEGIN IMMEDIATE: ${perWriteUs(started).toFixed(1)} µs`)

const cpu = process.cpuUsage()
started = performance.now()
const outcomes = await Promise.allSettled(Array.from({ length: WAITERS }, () => writeTransaction(() => 0, { waitMs: WAIT_MS })))
const wallMs = performance.now() - started
const { user, system } = process.cpuUsage(cpu)
const refused = outcomes.filter(o => o.status === 'rejected').length
console.info(`${WAITERS} writes waiting for a held lock: ${refused} refused after ${wallMs.toFixed(0)} ms, ${((user + system) / 1000).toFixed(1)} ms of CPU (${((user + system) / 10 / wallMs).toFixed(2)}% of the loop)`)
// Also keeps `other` (and its lock) alive until here: a collected connection closes itself.
other.close()
closeDatabase()
rmSync(dir, { recursive: true, force: true })

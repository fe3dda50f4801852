// SIGTERM with requests in flight: every request already sent is answered in full (before, with
// Nitro's own shutdown, 8 to 13 of 20 in-flight exports got ECONNRESET), new connections are
// refused, the running job is stopped and queued again, the buffered read records are written,
// the WAL is checkpointed and truncated, and the process exits 0 within NUXT_SHUTDOWN_TIMEOUT_MS;
// past it, it exits 124 saying what was still running. `npm start` passes the signal on.
import { existsSync, mkdtempSync, statSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { enqueueJob } from '../../server/services/jobs/queue.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY } from './portal.ts'
import { spawnServer } from './spawn-server.ts'

const CLAIMS = 10_000
const EXPORT = '/api/v1/claims/export?format=ndjson'

function seeded(options: { claims?: number, people?: number, days?: number } = {}): string {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'portal-sigterm-')), 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  seedDatabase(conn, { claims: options.claims ?? CLAIMS, people: options.people ?? 1, days: options.days ?? 20, seed: 9, end: '2026-06-30' })
  closeDatabase()
  return dbPath
}

interface Outcome { status?: number, lines?: number, error?: string }

/**
 * A GET read to its end: the status and the number of NDJSON lines, or the error that cut it off.
 * `onResponse` sees the response before its body is read.
 */
function get(url: string, agent: http.Agent | false, onResponse?: (res: http.IncomingMessage) => void): Promise<Outcome> {
  return new Promise((done) => {
    const req = http.get(url, { agent, headers: { 'authorization': `Bearer ${ADMIN_KEY}`, 'accept-encoding': 'identity' } }, (res) => {
      onResponse?.(res)
      let lines = 0
      res.on('data', (chunk: Buffer) => {
        for (const byte of chunk) if (byte === 10) lines++
      })
      res.on('error', error => done({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
      // After 'end', or when the connection went away first (a paused body is then never read).
      res.on('close', () => done(res.complete ? { status: res.statusCode, lines } : { error: 'incomplete body' }))
    })
    req.on('error', error => done({ error: (error as NodeJS.ErrnoException).code ?? error.message }))
  })
}

function rows<T>(dbPath: string, sql: string): T[] {
  const db = new Database(dbPath, { readonly: true })
  try {
    return db.prepare(sql).all() as T[]
  }
  finally {
    db.close()
  }
}

describe('SIGTERM', () => {
  it('answers every request in flight in full, refuses new ones, stops the job, flushes, truncates the WAL and exits 0', async () => {
    const dbPath = seeded({ people: 12, days: 300 })
    // A recompute of twelve people takes seconds: it is running when the signal comes.
    initDatabase(dbPath)
    const job = enqueueJob('correlations.recompute', {})
    closeDatabase()
    const server = await spawnServer(dbPath, { NUXT_JOB_SCHEDULE: 'off' })
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 12 })
    try {
      // Twelve keep-alive connections open and idle, then one export on each, and twelve more
      // on connections of their own.
      await Promise.all(Array.from({ length: 12 }, () => get(`${server.url}/healthz`, keepAlive)))
      // Each client reads its body only after a second, so that no export can finish before the
      // signal; the signal comes once half of them have their headers, while the rest may still
      // wait to be accepted or read by a busy server (those were the ones reset).
      let started = 0
      const pauseBody = (res: http.IncomingMessage) => {
        started++
        res.pause()
        setTimeout(() => res.resume(), 1000)
      }
      const inFlight = Array.from({ length: 24 }, (_, i) => get(`${server.url}${EXPORT}`, i % 2 ? keepAlive : false, pauseBody))
      await until(() => started >= 12)
      const jobBefore = rows<{ status: string }>(dbPath, `SELECT status FROM job_runs WHERE id = ${job.id}`)[0]?.status
      expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0)

      const signalled = Date.now()
      const exited = server.kill('SIGTERM')
      await until(() => /no new connections; answering the \d+ request/.test(server.log()))
      const late = await get(`${server.url}/healthz`, false)
      const outcomes = await Promise.all(inFlight)
      const { code } = await exited
      const tookMs = Date.now() - signalled

      expect(outcomes.filter(o => o.error).map(o => o.error)).toEqual([])
      expect(outcomes).toEqual(Array.from({ length: 24 }, () => ({ status: 200, lines: CLAIMS })))
      expect(late.error).toBe('ECONNREFUSED')
      expect(code).toBe(0)
      expect(tookMs).toBeLessThan(10_000)
      expect(server.log()).toMatch(/\[shutdown\] done in \d+ ms/)

      // Nothing left behind: the WAL is empty (or gone), every export's read record is written,
      // and no job is left 'running'; the one that was is queued again, its attempt not counted.
      expect(existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0).toBe(0)
      expect(rows<{ n: number }>(dbPath, `SELECT count(*) AS n FROM audit_log WHERE action = 'read.claims-export'`)[0]!.n).toBe(24)
      const jobs = rows<{ id: number, status: string, attempts: number, error: string | null }>(dbPath, 'SELECT id, status, attempts, error FROM job_runs')
      expect(jobs.filter(j => j.status === 'running')).toEqual([])
      // It runs on while the requests drain: by the close it has finished, or it is stopped and
      // queued again (tests/unit/job-runner-stop.test.ts stops one for certain).
      expect(jobBefore).toBe('running')
      const after = jobs.find(j => j.id === job.id)
      if (after?.status === 'succeeded') expect(after).toEqual({ id: job.id, status: 'succeeded', attempts: 1, error: null })
      else expect(after).toEqual({ id: job.id, status: 'queued', attempts: 0, error: 'stopped by a shutdown' })
      const db = new Database(dbPath, { readonly: true })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      db.close()
    }
    finally {
      keepAlive.destroy()
      await server.stop()
    }
  }, 90_000)

  it('past NUXT_SHUTDOWN_TIMEOUT_MS it exits 124 and says what was still running', async () => {
    // An export larger than the socket buffers between the two ends.
    const dbPath = seeded({ claims: 60_000 })
    const server = await spawnServer(dbPath, { NUXT_JOB_SCHEDULE: 'off', NUXT_SHUTDOWN_TIMEOUT_MS: '1000' })
    try {
      // A client that stops reading: the export cannot finish.
      let body: http.IncomingMessage | undefined
      const stuck = get(`${server.url}${EXPORT}`, false, (res) => {
        res.pause()
        body = res
      })
      await until(() => body !== undefined)
      const signalled = Date.now()
      const { code } = await server.kill('SIGTERM')
      expect(code).toBe(124)
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(1000)
      expect(Date.now() - signalled).toBeLessThan(5000)
      expect(server.log()).toMatch(/\[shutdown\] gave up after 1000 ms \(NUXT_SHUTDOWN_TIMEOUT_MS\) while answering the requests already received; still running: GET ×1/)
      // Read now: the body ends where the server gave up.
      body!.resume()
      expect((await stuck).error).toBeDefined()
    }
    finally {
      await server.stop()
    }
  }, 60_000)

  it('npm start passes SIGTERM on and exits with the server\'s 0', async () => {
    const dbPath = seeded()
    // The signal goes to npm alone, as a container runtime sends it to its first process.
    const server = await spawnServer(dbPath, { NUXT_JOB_SCHEDULE: 'off' }, { viaNpmStart: true })
    expect((await get(`${server.url}/api/v1/claims?limit=1`, false)).status).toBe(200)
    const { code, signal } = await server.kill('SIGTERM')
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    expect(server.log()).toMatch(/\[shutdown\] done in \d+ ms/)
  }, 90_000)
})

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check() && Date.now() < deadline) await new Promise(r => setTimeout(r, 20))
}

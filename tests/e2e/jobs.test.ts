import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY, auth, eventually, fetch, usePortal } from './portal.ts'

// The scheduler runs db.optimize every second here, so a scheduled run shows up within the test.
const portal = await usePortal({ seed: { claims: 300, people: 2, days: 30 }, env: { NUXT_JOB_SCHEDULE: 'db.optimize=1s' } })

async function get(path: string, key: string | null = portal.keys.viewer) {
  const res = await fetch(path, key ? auth(key) : {})
  return { status: res.status, body: await res.json() as any }
}

describe('GET /api/v1/jobs/:id and /api/v1/admin/jobs', () => {
  it('records scheduled runs from NUXT_JOB_SCHEDULE, visible to admins', async () => {
    const job = await eventually(async () => (await get('/api/v1/admin/jobs?task=db.optimize&status=succeeded', ADMIN_KEY)).body.data[0])
    expect(job).toMatchObject({ task: 'db.optimize', status: 'succeeded', attempts: 1, error: null, result: { ms: expect.any(Number) } })
    const one = await get(`/api/v1/jobs/${job.id}`)
    expect(one).toMatchObject({ status: 200, body: { id: job.id, task: 'db.optimize', status: 'succeeded', queuedAt: job.queuedAt } })
  })

  it('lists recent runs newest first, filtered and paged', async () => {
    await eventually(async () => ((await get('/api/v1/admin/jobs?task=db.optimize', ADMIN_KEY)).body.data.length >= 2 ? true : undefined))
    const { status, body } = await get('/api/v1/admin/jobs?limit=1', ADMIN_KEY)
    expect(status).toBe(200)
    expect(body.data).toHaveLength(1)
    const next = await get(`/api/v1/admin/jobs?limit=1&cursor=${body.page.nextCursor}`, ADMIN_KEY)
    expect(next.body.data[0].id).toBeLessThan(body.data[0].id)
  })

  it('403 below admin for the list, 401 without a key; 400 and 404 for bad ids', async () => {
    expect((await get('/api/v1/admin/jobs', portal.keys.operator)).status).toBe(403)
    expect((await get('/api/v1/admin/jobs', null)).status).toBe(401)
    expect((await get('/api/v1/jobs/1', null)).status).toBe(401)
    const bad = await get('/api/v1/admin/jobs?status=lost', ADMIN_KEY)
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('status')
    expect((await get('/api/v1/jobs/0')).status).toBe(400)
    expect((await get('/api/v1/jobs/abc')).body.data.issues[0].path).toBe('id')
    expect((await get('/api/v1/jobs/987654')).status).toBe(404)
  })
})

describe('a run cut off by a restart', () => {
  const ROOT = resolve(import.meta.dirname, '../..')
  const children: ChildProcess[] = []
  afterAll(() => children.forEach(c => c.kill('SIGKILL')))

  async function freePort(): Promise<number> {
    return new Promise((res) => {
      const s = createServer().listen(0, () => {
        const { port } = s.address() as { port: number }
        s.close(() => res(port))
      })
    })
  }

  async function startServer(dbPath: string): Promise<{ url: string, child: ChildProcess }> {
    const port = await freePort()
    // Started outside the project folder, as a deployed .output is: nothing may come from the sources.
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, '.output/server/index.mjs')], {
      cwd: tmpdir(),
      env: { ...process.env, PORT: String(port), NUXT_DATABASE_PATH: dbPath, NUXT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, NUXT_SEED_DEMO: 'false', NUXT_JOB_SCHEDULE: 'off',
        NUXT_MIGRATIONS_DIR: join(ROOT, 'drizzle') },
      stdio: 'ignore',
    })
    children.push(child)
    const url = `http://127.0.0.1:${port}`
    await eventually(async () => (await globalThis.fetch(`${url}/healthz`).then(r => r.ok, () => false)) || undefined)
    return { url, child }
  }

  it('is queued again at the next start and runs to the end', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'portal-restart-')), 'portal.db')
    const conn = initDatabase(dbPath)
    runMigrations(conn)
    seedDatabase(conn, { claims: 0, people: 200, days: 365, seed: 11, end: '2026-06-30' })
    closeDatabase()
    const api = (url: string, path: string, init: RequestInit = {}) => globalThis.fetch(`${url}${path}`, { ...init, headers: { ...auth(ADMIN_KEY).headers, 'content-type': 'application/json' } }).then(r => r.json() as any)

    const first = await startServer(dbPath)
    const { jobId } = await api(first.url, '/api/v1/correlations/recompute', { method: 'POST', body: '{}' })
    await eventually(async () => ((await api(first.url, `/api/v1/jobs/${jobId}`)).status === 'running' || undefined))
    first.child.kill('SIGKILL')
    await new Promise(r => first.child.once('exit', r))
    const db = new Database(dbPath, { readonly: true })
    expect(db.prepare('SELECT status, attempts FROM job_runs WHERE id = ?').get(jobId)).toEqual({ status: 'running', attempts: 1 })
    db.close()

    const second = await startServer(dbPath)
    const done = await eventually(async () => {
      const job = await api(second.url, `/api/v1/jobs/${jobId}`)
      return job.status === 'succeeded' || job.status === 'failed' ? job : undefined
    }, 60_000)
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, error: null, result: { people: 200 } })

    // The worker thread loaded the main thread's SQLite, not a second copy: two copies in one
    // process do not see each other's locks, and the file was corrupt after a few recomputes.
    const natives = new Set(readFileSync(`/proc/${second.child.pid}/maps`, 'utf8').split('\n')
      .filter(line => /better[-_]sqlite3.*\.node$/.test(line)).map(line => line.split(/\s+/).pop()))
    expect([...natives]).toEqual([join(ROOT, '.output/server/node_modules/better-sqlite3/prebuilds/linux-x64.node')])
    second.child.kill('SIGTERM')
    await new Promise(r => second.child.once('exit', r))
    const after = new Database(dbPath, { readonly: true })
    expect(after.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }])
    after.close()
  }, 120_000)
})

// Job records can name a person: only admins read a job's payload and result, and the scheduled
// retention run deletes finished runs older than NUXT_RETENTION_JOBS_DAYS.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, eventually, fetch, usePortal } from './portal.ts'

// Retention every second, so a scheduled run happens within the test; by its former name, which
// an operator's own schedule may still use.
const portal = await usePortal({ seed: { claims: 50, people: 2, days: 40 }, env: { NUXT_JOB_SCHEDULE: 'jobs.retention=1s', NUXT_RETENTION_JOBS_DAYS: '3' } })

async function get(path: string, key: string) {
  const res = await fetch(path, auth(key))
  return { status: res.status, text: await res.text() }
}

describe('GET /api/v1/jobs/:id', () => {
  it('shows a person\'s recompute to viewers and operators without the person or the result; admins see both', async () => {
    const res = await fetch('/api/v1/correlations/recompute', { method: 'POST', headers: { ...auth(portal.keys.operator).headers, 'content-type': 'application/json' }, body: JSON.stringify({ personId: 'P00001' }) })
    expect(res.status).toBe(202)
    const { jobId } = await res.json() as { jobId: number }
    const full = await eventually(async () => {
      const job = JSON.parse((await get(`/api/v1/jobs/${jobId}`, ADMIN_KEY)).text)
      return job.status === 'succeeded' ? job : undefined
    })
    expect(full).toMatchObject({ payload: { personId: 'P00001' }, result: { people: 1 } })
    for (const key of [portal.keys.viewer, portal.keys.operator]) {
      const seen = await get(`/api/v1/jobs/${jobId}`, key)
      expect(seen.status).toBe(200)
      expect(seen.text).not.toContain('P00001')
      expect(JSON.parse(seen.text)).toEqual({ ...full, payload: null, result: null })
    }
  })

  it('the list of job runs stays admin-only', async () => {
    expect((await get('/api/v1/admin/jobs', portal.keys.operator)).status).toBe(403)
    expect((await get('/api/v1/admin/jobs', ADMIN_KEY)).text).toContain('P00001')
  })
})

describe('the scheduled retention run', () => {
  it('deletes finished runs older than NUXT_RETENTION_JOBS_DAYS and keeps younger ones and waiting ones', async () => {
    const db = new Database(portal.dbPath)
    const day = 86_400_000
    const insert = db.prepare(`INSERT INTO job_runs (task, payload, status, attempts, max_attempts, run_after, queued_at, started_at, finished_at)
      VALUES ('correlations.recompute', '{"personId":"P00002"}', ?, 1, 3, ?, ?, ?, ?)`)
    const at = (days: number) => Date.now() - days * day
    const ids = {
      old: Number(insert.run('failed', at(4), at(4), at(4), at(4)).lastInsertRowid),
      older: Number(insert.run('succeeded', at(10), at(10), at(10), at(10)).lastInsertRowid),
      young: Number(insert.run('failed', at(2), at(2), at(2), at(2)).lastInsertRowid),
      waiting: Number(insert.run('queued', at(10) + 365 * day, at(10), null, null).lastInsertRowid),
    }
    const exists = (id: number) => db.prepare('SELECT 1 FROM job_runs WHERE id = ?').get(id) !== undefined
    await eventually(() => (!exists(ids.old) && !exists(ids.older) ? true : undefined))
    expect(exists(ids.young)).toBe(true)
    expect(exists(ids.waiting)).toBe(true)
    // The rows go in the run's first chunk; the run is recorded as succeeded a moment later.
    const run = await eventually(() => db.prepare(`SELECT status, result FROM job_runs WHERE task = 'retention' AND status = 'succeeded' ORDER BY id DESC LIMIT 1`).get() as { result: string } | undefined)
    expect(JSON.parse(run.result).policies).toContainEqual(expect.objectContaining({ name: 'jobs', table: 'job_runs', days: 3 }))
    db.close()
  })
})

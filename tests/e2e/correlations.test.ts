import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 0, people: 8, days: 180 } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

async function get(path: string, key: string | null = portal.keys.viewer) {
  const res = await fetch(path, key ? auth(key) : {})
  return { status: res.status, body: await res.json() as any }
}

async function recompute(body: unknown, key = portal.keys.operator) {
  const res = await fetch('/api/v1/correlations/recompute', { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body), headers: { ...auth(key).headers, 'content-type': 'application/json' } })
  return { status: res.status, location: res.headers.get('location'), body: await res.json() as any }
}

// As an admin: below admin a job's result (which can name people) is not shown.
async function waitForJob(id: number, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await get(`/api/v1/jobs/${id}`, portal.keys.admin)
    if (body.status === 'succeeded' || body.status === 'failed') return body
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

describe('POST /api/v1/correlations/recompute', () => {
  it('answers 202 with a job that runs to succeeded', async () => {
    const before = await get('/api/v1/correlations')
    expect(before.body.data).toEqual([])
    const { status, location, body } = await recompute({})
    expect(status).toBe(202)
    expect(body).toEqual({ jobId: expect.any(Number) })
    expect(location).toBe(`/api/v1/jobs/${body.jobId}`)
    const job = await waitForJob(body.jobId)
    expect(job).toMatchObject({ id: body.jobId, task: 'correlations.recompute', status: 'succeeded', attempts: 1, error: null, result: { people: 8 } })
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt))
    expect(job.durationMs).toBeGreaterThan(0)
    expect(job.durationMs).toBeLessThanOrEqual(Date.parse(job.finishedAt) - Date.parse(job.queuedAt) + 1)
    const stored = db.prepare('SELECT count(*) AS n FROM correlations').get() as { n: number }
    expect(stored.n).toBe(job.result.tests)
    // The empty list answered before is cached; the finished recompute must have dropped it.
    const after = await get('/api/v1/correlations')
    expect(after.body.data.length).toBeGreaterThan(0)
  })

  it('recomputes one person; 404 for an unknown one, 400 for a bad body, 403 for a viewer', async () => {
    const one = await recompute({ personId: 'P00001' })
    expect(one.status).toBe(202)
    expect((await waitForJob(one.body.jobId)).result).toMatchObject({ people: 1 })
    expect((await recompute({ personId: 'NOBODY' })).status).toBe(404)
    const bad = await recompute({ personId: 'no spaces allowed' })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('personId')
    expect((await recompute({ everyone: true })).status).toBe(400)
    expect((await recompute({}, portal.keys.viewer)).status).toBe(403)
  })
})

describe('GET /api/v1/correlations', () => {
  it('lists with the contract\'s fields and filters', async () => {
    const { status, body } = await get('/api/v1/correlations?personId=P00001&significant=true')
    expect(status).toBe(200)
    expect(body.data.length).toBeGreaterThan(0)
    for (const c of body.data) {
      expect(Object.keys(c).sort()).toEqual(['ci95', 'computedAt', 'effect', 'id', 'lagDays', 'metric', 'n', 'pValue', 'pearsonR', 'personId', 'qValue', 'spearmanRho', 'supplementId'].sort())
      expect(c.personId).toBe('P00001')
      expect(c.qValue).toBeLessThan(0.05)
      expect(c.n).toBeGreaterThanOrEqual(14)
      expect(c.ci95[0]).toBeLessThanOrEqual(c.pearsonR)
    }
    // P00001 carries the planted magnesium → sleep effect the next day (seed/health-model.ts).
    expect(body.data).toContainEqual(expect.objectContaining({ supplementId: 'magnesium', metric: 'sleep_minutes', lagDays: 1 }))
    const filtered = await get('/api/v1/correlations?metric=sleep_minutes&supplementId=magnesium&minAbsR=0.2&limit=1000')
    expect(filtered.status).toBe(200)
    expect(filtered.body.data.length).toBeGreaterThan(0)
    expect(filtered.body.data.every((c: any) => c.metric === 'sleep_minutes' && c.supplementId === 'magnesium' && Math.abs(c.pearsonR) >= 0.2)).toBe(true)
  })

  it('serves one correlation with the exact pairs it was computed from', async () => {
    const [c] = (await get('/api/v1/correlations?personId=P00001&supplementId=magnesium&metric=sleep_minutes')).body.data.filter((x: any) => x.lagDays === 1)
    const { status, body } = await get(`/api/v1/correlations/${c.id}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ ...c, stale: false })
    expect(body.pairs).toHaveLength(c.n)
    const dose = db.prepare(`SELECT coalesce(sum(dose), 0) AS dose FROM supplement_intakes i JOIN people p ON p.id = i.person_id
      WHERE p.ref = 'P00001' AND i.supplement_id = 'magnesium' AND i.taken_at >= ? AND i.taken_at < ?`)
    const sleep = db.prepare(`SELECT d.sum / d.count AS value FROM health_daily d JOIN people p ON p.id = d.person_id
      WHERE p.ref = 'P00001' AND d.metric = 'sleep_minutes' AND d.day = ?`)
    for (const pair of body.pairs) {
      const start = Date.parse(`${pair.day}T00:00:00Z`)
      expect((dose.get(start, start + 86_400_000) as any).dose).toBe(pair.dose)
      const next = new Date(start + 86_400_000).toISOString().slice(0, 10)
      expect((sleep.get(next) as any).value).toBe(pair.value)
    }
  })

  it.each([
    ['/api/v1/correlations?significant=yes', 'significant'],
    ['/api/v1/correlations?minAbsR=2', 'minAbsR'],
    ['/api/v1/correlations?supplementId=kryptonite', 'supplementId'],
    ['/api/v1/correlations?metric=mood', 'metric'],
    ['/api/v1/correlations/abc', 'id'],
    ['/api/v1/insights', 'personId'],
  ])('400 for %s, naming %s', async (path, field) => {
    const { status, body } = await get(path)
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toContain(field)
  })

  it('404 for an unknown correlation or person, 401 without a key', async () => {
    expect((await get('/api/v1/correlations/999999')).status).toBe(404)
    expect((await get('/api/v1/correlations?personId=NOBODY')).status).toBe(404)
    expect((await get('/api/v1/insights?personId=NOBODY')).status).toBe(404)
    expect((await get('/api/v1/correlations', null)).status).toBe(401)
  })
})

describe('GET /api/v1/insights', () => {
  it('gives plain-language findings with a confidence and the correlation they rest on', async () => {
    const { status, body } = await get('/api/v1/insights?personId=P00001')
    expect(status).toBe(200)
    const sleep = body.data.find((i: any) => i.supplementId === 'magnesium' && i.metric === 'sleep_minutes')
    expect(sleep.text).toMatch(/^On days after magnesium glycinate, sleep was \d+ minutes longer on average \(r = 0\.\d\d, q (=|<) 0\.\d{3}, \d+ days\)$/)
    expect(sleep.confidence).toBeGreaterThan(0.95)
    const c = (await get(`/api/v1/correlations/${sleep.correlationId}`)).body
    expect(c.qValue).toBeLessThan(0.05)
    expect(sleep.text).toContain(`r = ${c.pearsonR.toFixed(2)}`)
    expect(sleep.text).toContain(`${c.n} days`)
    const confidences = body.data.map((i: any) => i.confidence)
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a))
  })
})

import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 0, people: 4, days: 60 } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

async function get(path: string, key: string | null = portal.keys.viewer) {
  const res = await fetch(path, key ? auth(key) : {})
  return { status: res.status, body: await res.json() as any }
}

async function post(path: string, body: string, contentType = 'application/json', key = portal.keys.operator) {
  const res = await fetch(path, { method: 'POST', body, headers: { ...auth(key).headers, 'content-type': contentType } })
  return { status: res.status, body: await res.json() as any }
}

const point = (over: Record<string, unknown> = {}) => ({ personId: 'E2E-1', metric: 'resting_heart_rate', value: 61, at: '2026-06-01T07:00:00Z', source: 'e2e', ...over })
const intake = (over: Record<string, unknown> = {}) => ({ personId: 'E2E-1', supplementId: 'caffeine', takenAt: '2026-06-01T08:00:00Z', dose: 200, unit: 'mg', ...over })

describe('GET /api/v1/people and /api/v1/supplements', () => {
  it('lists people with their first and last day, metrics and supplements, paged by personId', async () => {
    const first = await get('/api/v1/people?limit=3&count=true')
    expect(first.status).toBe(200)
    expect(first.body.page).toMatchObject({ limit: 3, total: 4, nextCursor: expect.any(String) })
    expect(first.body.data.map((p: any) => p.personId)).toEqual(['P00001', 'P00002', 'P00003'])
    const p1 = first.body.data[0]
    expect(p1).toMatchObject({ firstDay: '2026-05-02', lastDay: '2026-06-30', metrics: expect.arrayContaining(['sleep_minutes', 'hrv']) })
    const supplements = db.prepare(`SELECT DISTINCT supplement_id AS s FROM supplement_intakes JOIN people p ON p.id = person_id WHERE p.ref = 'P00001' ORDER BY s`).all().map((r: any) => r.s)
    expect([...p1.supplements].sort()).toEqual(supplements)
    const next = await get(`/api/v1/people?limit=3&cursor=${first.body.page.nextCursor}`)
    expect(next.body.data.map((p: any) => p.personId)).toEqual(['P00004'])
    expect(next.body.page.nextCursor).toBeNull()
  })

  it('lists the supplement catalogue', async () => {
    const { status, body } = await get('/api/v1/supplements')
    expect(status).toBe(200)
    expect(body.data).toHaveLength(12)
    expect(body.data).toContainEqual({ id: 'magnesium', name: 'Magnesium glycinate', defaultUnit: 'mg', description: expect.any(String) })
  })

  it('401 without a key, 400 for a bad cursor', async () => {
    expect((await get('/api/v1/people', null)).status).toBe(401)
    expect((await get('/api/v1/supplements', null)).status).toBe(401)
    const bad = await get('/api/v1/people?cursor=bm9wZQ')
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('cursor')
  })
})

describe('POST /api/v1/health-data', () => {
  it('ingests a batch, creates the person, and is idempotent on a resend', async () => {
    const batch = [point(), point({ at: '2026-06-02T07:00:00Z', value: 63 }), point({ metric: 'steps', value: 9000, at: '2026-06-01T23:00:00Z' })]
    expect(await post('/api/v1/health-data', JSON.stringify(batch))).toEqual({ status: 200, body: { inserted: 3, updated: 0, unchanged: 0 } })
    const ndjson = batch.map((p, i) => JSON.stringify(i === 1 ? { ...p, value: 64 } : p)).join('\n')
    expect(await post('/api/v1/health-data', ndjson, 'application/x-ndjson')).toEqual({ status: 200, body: { inserted: 0, updated: 1, unchanged: 2 } })
    const stored = db.prepare(`SELECT h.value FROM health_data_points h JOIN people p ON p.id = h.person_id WHERE p.ref = 'E2E-1' AND h.metric = 'resting_heart_rate' ORDER BY h.at`).all()
    expect(stored).toEqual([{ value: 61 }, { value: 64 }])
    const rollup = db.prepare(`SELECT d.day, d.count, d.sum FROM health_daily d JOIN people p ON p.id = d.person_id WHERE p.ref = 'E2E-1' AND d.metric = 'resting_heart_rate' ORDER BY d.day`).all()
    expect(rollup).toEqual([{ day: '2026-06-01', count: 1, sum: 61 }, { day: '2026-06-02', count: 1, sum: 64 }])
  })

  it('400 naming every implausible or malformed row, and nothing is written', async () => {
    const before = db.prepare('SELECT count(*) AS n FROM health_data_points').get()
    const { status, body } = await post('/api/v1/health-data', JSON.stringify([point({ at: '2026-06-03T07:00:00Z' }), point({ value: 900 }), point({ personId: 'has space' }), point({ metric: 'mood' })]))
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toEqual(['[1].value', '[2].personId', '[3].metric'])
    expect(body.data.issues[0].message).toMatch(/plausible/)
    expect(db.prepare('SELECT count(*) AS n FROM health_data_points').get()).toEqual(before)
  })

  it('415 for another content type, 413 over the size limit, 403 for a viewer, 401 without a key', async () => {
    expect((await post('/api/v1/health-data', 'personId,metric', 'text/csv')).status).toBe(415)
    expect((await post('/api/v1/health-data', JSON.stringify([point()]), 'application/json', portal.keys.viewer)).status).toBe(403)
    const huge = `[${' '.repeat(13 * 1024 * 1024)}]`
    expect((await post('/api/v1/health-data', huge)).status).toBe(413)
    const anonymous = await fetch('/api/v1/health-data', { method: 'POST', body: '[]', headers: { 'content-type': 'application/json' } })
    expect(anonymous.status).toBe(401)
  })
})

describe('POST /api/v1/supplement-intakes', () => {
  it('ingests and is idempotent on (personId, supplementId, takenAt)', async () => {
    const batch = [intake(), intake({ takenAt: '2026-06-02T08:00:00Z' })]
    expect((await post('/api/v1/supplement-intakes', JSON.stringify(batch))).body).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    expect((await post('/api/v1/supplement-intakes', JSON.stringify([intake(), intake({ takenAt: '2026-06-02T08:00:00Z', dose: 100 })]))).body)
      .toEqual({ inserted: 0, updated: 1, unchanged: 1 })
  })

  it('400 for an unknown supplement or a unit other than the catalogue\'s; 403 for a viewer', async () => {
    const { status, body } = await post('/api/v1/supplement-intakes', JSON.stringify([intake({ supplementId: 'kryptonite' }), intake({ unit: 'g' }), intake({ dose: -1 })]))
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toEqual(['[0].supplementId', '[1].unit', '[2].dose'])
    expect((await post('/api/v1/supplement-intakes', JSON.stringify([intake()]), 'application/json', portal.keys.viewer)).status).toBe(403)
    expect((await post('/api/v1/supplement-intakes', 'not json')).status).toBe(400)
  })
})

describe('GET /api/v1/health-data and /summary', () => {
  it('pages through a person\'s points, which match the raw rows', async () => {
    const want = db.prepare(`SELECT h.metric, h.at, h.value FROM health_data_points h JOIN people p ON p.id = h.person_id
      WHERE p.ref = 'P00002' AND h.metric = 'hrv' AND h.at >= ? AND h.at < ? ORDER BY h.at`).all(Date.parse('2026-06-01'), Date.parse('2026-06-21'))
    const seen: any[] = []
    let cursor = ''
    do {
      const { status, body } = await get(`/api/v1/health-data?personId=P00002&metric=hrv&from=2026-06-01&to=2026-06-20&limit=6${cursor}`)
      expect(status).toBe(200)
      seen.push(...body.data)
      cursor = body.page.nextCursor ? `&cursor=${body.page.nextCursor}` : ''
    } while (cursor)
    expect(seen.map(p => ({ metric: p.metric, at: Date.parse(p.at), value: p.value }))).toEqual(want)
    expect(seen[0]).toMatchObject({ personId: 'P00002', source: 'wearable', id: expect.any(Number) })
  })

  it('summarises by week from the daily rollup', async () => {
    const { status, body } = await get('/api/v1/health-data/summary?personId=P00001&metric=sleep_minutes&bucket=week&from=2026-06-01&to=2026-06-14')
    expect(status).toBe(200)
    expect(body).toMatchObject({ personId: 'P00001', metric: 'sleep_minutes', unit: 'min', bucket: 'week' })
    const want = db.prepare(`SELECT sum(d.sum) / sum(d.count) AS avg, min(d.min) AS min, max(d.max) AS max, sum(d.count) AS count FROM health_daily d JOIN people p ON p.id = d.person_id
      WHERE p.ref = 'P00001' AND d.metric = 'sleep_minutes' AND d.day BETWEEN '2026-06-01' AND '2026-06-07'`).get() as any
    expect(body.data[0]).toEqual({ bucket: '2026-06-01', ...want })
    expect(body.data.map((b: any) => b.bucket)).toEqual(['2026-06-01', '2026-06-08'])
  })

  it.each([
    ['/api/v1/health-data', 'personId'],
    ['/api/v1/health-data?personId=Jane%20Doe', 'personId'],
    ['/api/v1/health-data?personId=P00001&metric=mood', 'metric'],
    ['/api/v1/health-data?personId=P00001&from=2026-06-10&to=2026-06-01', 'from'],
    ['/api/v1/health-data?personId=P00001&limit=0', 'limit'],
    ['/api/v1/health-data?personId=P00001&cursor=xyz', 'cursor'],
    ['/api/v1/health-data/summary?personId=P00001', 'metric'],
    ['/api/v1/health-data/summary?personId=P00001&metric=hrv&bucket=year', 'bucket'],
  ])('400 for %s, naming %s', async (path, field) => {
    const { status, body } = await get(path)
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toContain(field)
  })

  it('404 for a person nobody sent data for', async () => {
    expect((await get('/api/v1/health-data?personId=NOBODY')).status).toBe(404)
    expect((await get('/api/v1/health-data/summary?personId=NOBODY&metric=hrv')).status).toBe(404)
  })
})

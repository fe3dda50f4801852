import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 5000 } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

async function get(path: string, key = portal.keys.viewer) {
  const res = await fetch(path, auth(key))
  return { status: res.status, headers: res.headers, body: await res.json() as any }
}

async function send(method: string, path: string, body: string, contentType: string, key = portal.keys.operator) {
  const res = await fetch(path, { method, body, headers: { ...auth(key).headers, 'content-type': contentType } })
  return { status: res.status, body: await res.json() as any }
}

const newClaim = (i: number, over: Record<string, unknown> = {}) => ({
  source: 'e2e', sourceId: `E2E-${i}`, providerId: 1, payer: 'Aetna', patientRef: `PT-e2e-${i}`, cptCode: '99213',
  dateOfService: '2026-06-15', submittedAt: '2026-06-16T08:00:00Z', status: 'submitted', billedCents: 12000, paidCents: 0, ...over,
})

describe('GET /api/v1/claims', () => {
  it('answers the first page with the default sort and a Link to the next', async () => {
    const { status, headers, body } = await get('/api/v1/claims?limit=20')
    expect(status).toBe(200)
    expect(body.data).toHaveLength(20)
    expect(body.page).toMatchObject({ limit: 20, nextCursor: expect.any(String) })
    const days = body.data.map((c: any) => c.dateOfService)
    expect(days).toEqual([...days].sort().reverse())
    expect(headers.get('link')).toBe(`</api/v1/claims?limit=20&cursor=${body.page.nextCursor}>; rel="next"`)
  })

  it('walking every page of a filtered list returns each matching claim exactly once', async () => {
    const want = (db.prepare(`SELECT id FROM claims WHERE status IN ('denied', 'appealed') AND payer = 'Medicare' ORDER BY billed_cents DESC, id DESC`).all() as { id: number }[]).map(r => r.id)
    expect(want.length).toBeGreaterThan(10)
    const seen: number[] = []
    let next: string | null = '/api/v1/claims?status=denied&status=appealed&payer=Medicare&sort=-billedCents&limit=37&count=true'
    let total: number | undefined
    while (next) {
      const res = await fetch(next, auth(portal.keys.viewer))
      const body = await res.json() as any
      total ??= body.page.total
      seen.push(...body.data.map((c: any) => c.id))
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null
    }
    expect(seen).toEqual(want)
    expect(total).toBe(want.length)
  })

  it('applies every filter', async () => {
    const { body } = await get('/api/v1/claims?providerId=3&from=2026-03-01&to=2026-05-31&minBilledCents=5000&maxBilledCents=50000&sort=submittedAt&limit=1000&count=true')
    const want = db.prepare(`SELECT count(*) AS n FROM claims WHERE provider_id = 3 AND date_of_service BETWEEN '2026-03-01' AND '2026-05-31'
      AND billed_cents BETWEEN 5000 AND 50000`).get() as { n: number }
    expect(body.page.total).toBe(want.n)
    expect(body.data).toHaveLength(Math.min(want.n, 1000))
    for (const c of body.data) {
      expect(c.providerId).toBe(3)
      expect(c.billedCents).toBeGreaterThanOrEqual(5000)
    }
    const reason = (db.prepare(`SELECT denial_reason AS r FROM claims WHERE denial_reason IS NOT NULL LIMIT 1`).get() as { r: string }).r
    const denied = await get(`/api/v1/claims?denialReason=${reason}&limit=5`)
    for (const c of denied.body.data) expect(c).toMatchObject({ status: 'denied', denialReason: reason })
  })

  it.each([
    ['status=lost', 'status'],
    ['sort=patientRef', 'sort'],
    ['from=2026-13-01', 'from'],
    ['from=2026-05-01&to=2026-04-01', 'from'],
    ['minBilledCents=-1', 'minBilledCents'],
    ['minBilledCents=500&maxBilledCents=100', 'minBilledCents'],
    ['providerId=abc', 'providerId'],
    ['denialReason=DROP%20TABLE', 'denialReason'],
    ['limit=5000', 'limit'],
    ['cursor=bm90IGEgY3Vyc29y', 'cursor'],
  ])('400 for %s, naming %s', async (query, field) => {
    const { status, body } = await get(`/api/v1/claims?${query}`)
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toContain(field)
  })
})

describe('GET /api/v1/claims/:id', () => {
  it('answers one claim with its provider', async () => {
    const row = db.prepare('SELECT id, provider_id AS providerId, billed_cents AS billed FROM claims LIMIT 1 OFFSET 100').get() as any
    const { status, body } = await get(`/api/v1/claims/${row.id}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({ id: row.id, providerId: row.providerId, billedCents: row.billed, provider: { id: row.providerId, name: expect.any(String) } })
  })

  it('404 for an unknown id, 400 for a bad one', async () => {
    expect((await get('/api/v1/claims/99999999')).status).toBe(404)
    expect((await get('/api/v1/claims/x1')).body.data.issues[0].path).toBe('id')
  })
})

describe('POST /api/v1/claims', () => {
  it('ingests JSON, then answers the same batch as unchanged', async () => {
    const batch = JSON.stringify([newClaim(1), newClaim(2)])
    expect(await send('POST', '/api/v1/claims', batch, 'application/json')).toEqual({ status: 200, body: { inserted: 2, updated: 0, unchanged: 0 } })
    expect(await send('POST', '/api/v1/claims', batch, 'application/json')).toEqual({ status: 200, body: { inserted: 0, updated: 0, unchanged: 2 } })
    expect(db.prepare(`SELECT count(*) AS n FROM claims WHERE source = 'e2e'`).get()).toEqual({ n: 2 })
  })

  it('ingests NDJSON and CSV', async () => {
    const ndjson = [newClaim(3), newClaim(4)].map(c => JSON.stringify(c)).join('\n')
    expect((await send('POST', '/api/v1/claims', ndjson, 'application/x-ndjson')).body).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    const csv = 'source,sourceId,providerId,payer,patientRef,cptCode,dateOfService,submittedAt,status,denialReason,billedCents,paidCents\n'
      + 'e2e,E2E-5,2,Cigna,PT-e2e-5,99214,2026-06-10,2026-06-11T08:00:00Z,denied,CO-16,8000,0\n'
    expect((await send('POST', '/api/v1/claims', csv, 'text/csv; charset=utf-8')).body).toEqual({ inserted: 1, updated: 0, unchanged: 0 })
  })

  it('keeps metrics in step with the claims it writes', async () => {
    const before = (await get('/api/v1/claims/metrics?from=2026-06-20&to=2026-06-20&groupBy=day')).body.totals
    const batch = [newClaim(10, { dateOfService: '2026-06-20', status: 'denied', denialReason: 'CO-97' }), newClaim(11, { dateOfService: '2026-06-20' })]
    await send('POST', '/api/v1/claims', JSON.stringify(batch), 'application/json')
    const after = (await get('/api/v1/claims/metrics?from=2026-06-20&to=2026-06-20&groupBy=day')).body.totals
    expect(after.claims - before.claims).toBe(2)
    expect(after.denied - before.denied).toBe(1)
    expect(after.deniedCents - before.deniedCents).toBe(12000)
  })

  it('rejects the whole batch with every bad row named, and writes nothing', async () => {
    const before = db.prepare('SELECT count(*) AS n FROM claims').get()
    const batch = [newClaim(20), newClaim(21, { billedCents: 'lots' }), newClaim(22, { providerId: 424242 })]
    const { status, body } = await send('POST', '/api/v1/claims', JSON.stringify(batch), 'application/json')
    expect(status).toBe(400)
    expect(body.data.issues.map((i: any) => i.path)).toEqual(['[1].billedCents', '[2].providerId'])
    expect(db.prepare('SELECT count(*) AS n FROM claims').get()).toEqual(before)
  })

  it('415 for another content type, 413 over the size limit, 403 for a viewer', async () => {
    expect((await send('POST', '/api/v1/claims', '<claims/>', 'application/xml')).status).toBe(415)
    const huge = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => newClaim(1000 + i)))
    expect((await send('POST', '/api/v1/claims', huge, 'application/json')).status).toBe(413)
    const oversize = 'x'.repeat(9 * 1024 * 1024)
    expect((await send('POST', '/api/v1/claims', oversize, 'text/csv')).status).toBe(413)
    expect((await send('POST', '/api/v1/claims', '[]', 'application/json', portal.keys.viewer)).status).toBe(403)
  })
})

describe('PATCH /api/v1/claims/:id', () => {
  const idOf = (sourceId: string) => (db.prepare(`SELECT id FROM claims WHERE source = 'e2e' AND source_id = ?`).get(sourceId) as { id: number }).id

  it('moves a claim along an allowed transition', async () => {
    const { status, body } = await send('PATCH', `/api/v1/claims/${idOf('E2E-1')}`, JSON.stringify({ status: 'denied', denialReason: 'CO-50' }), 'application/json')
    expect(status).toBe(200)
    expect(body).toMatchObject({ status: 'denied', denialReason: 'CO-50' })
    expect(db.prepare('SELECT status FROM claims WHERE id = ?').get(idOf('E2E-1'))).toEqual({ status: 'denied' })
  })

  it('409 on an impossible transition, 404 for a missing claim, 400 for a bad body', async () => {
    const conflict = await send('PATCH', `/api/v1/claims/${idOf('E2E-1')}`, JSON.stringify({ status: 'paid' }), 'application/json')
    expect(conflict.status).toBe(409)
    expect(conflict.body.message).toMatch(/denied claim cannot become paid/)
    expect((await send('PATCH', '/api/v1/claims/99999999', JSON.stringify({ status: 'paid' }), 'application/json')).status).toBe(404)
    const bad = await send('PATCH', `/api/v1/claims/${idOf('E2E-2')}`, JSON.stringify({ status: 'lost', extra: 1 }), 'application/json')
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(['status']))
    expect((await send('PATCH', `/api/v1/claims/${idOf('E2E-2')}`, '{}', 'application/json')).status).toBe(400)
    expect((await send('PATCH', `/api/v1/claims/${idOf('E2E-2')}`, '{"status":', 'application/json')).status).toBe(400)
  })
})

describe('GET /api/v1/claims/metrics', () => {
  it.each(['day', 'week', 'month', 'provider', 'payer', 'denialReason'])('groupBy=%s: totals equal the raw claims', async (groupBy) => {
    const { status, body } = await get(`/api/v1/claims/metrics?from=2026-01-01&to=2026-06-30&groupBy=${groupBy}`)
    expect(status).toBe(200)
    const raw = db.prepare(`SELECT count(*) AS claims, sum(status = 'denied') AS denied, sum(billed_cents) AS billedCents, sum(paid_cents) AS paidCents
      FROM claims WHERE date_of_service BETWEEN '2026-01-01' AND '2026-06-30'`).get() as any
    expect(body.totals).toMatchObject(raw)
    if (groupBy !== 'denialReason') expect(body.series.reduce((s: number, r: any) => s + r.claims, 0)).toBe(raw.claims)
    else expect(body.series.reduce((s: number, r: any) => s + r.denied, 0)).toBe(raw.denied)
  })

  it('400 for an unknown groupBy', async () => {
    expect((await get('/api/v1/claims/metrics?groupBy=patient')).body.data.issues[0].path).toBe('groupBy')
  })
})

describe('GET /api/v1/claims/denial-patterns', () => {
  it('answers recurring combinations with share and trend', async () => {
    const { status, body } = await get('/api/v1/claims/denial-patterns?from=2026-01-01&to=2026-06-30&limit=5')
    expect(status).toBe(200)
    expect(body.data.length).toBeGreaterThan(0)
    expect(body.data.length).toBeLessThanOrEqual(5)
    const top = body.data[0]
    const raw = db.prepare(`SELECT count(*) AS n FROM claims WHERE status = 'denied' AND denial_reason = ? AND provider_id = ? AND payer = ?
      AND date_of_service BETWEEN '2026-01-01' AND '2026-06-30'`).get(top.denialReason, top.providerId, top.payer) as { n: number }
    expect(top.count).toBe(raw.n)
    expect(top).toMatchObject({ share: expect.any(Number), deniedCents: expect.any(Number), providerName: expect.any(String) })
    expect(body.previous).toEqual({ from: '2025-07-04', to: '2025-12-31' })
  })

  it('400 for a bad limit', async () => {
    expect((await get('/api/v1/claims/denial-patterns?limit=0')).body.data.issues[0].path).toBe('limit')
  })
})

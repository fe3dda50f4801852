import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 3000 } })

async function json(path: string, key?: string) {
  const res = await fetch(path, key ? auth(key) : {})
  return { status: res.status, headers: res.headers, body: await res.json() as any }
}

describe('health endpoints (no credentials)', () => {
  it('GET /healthz answers 200', async () => {
    const { status, body } = await json('/healthz')
    expect(status).toBe(200)
    expect(body.status).toBe('ok')
  })

  it('GET /readyz answers 200 once the database is open and migrated', async () => {
    const { status, body } = await json('/readyz')
    expect(status).toBe(200)
    expect(body).toEqual({ status: 'ready', checks: { database: true, migrations: true, storage: true } })
  })
})

describe('credentials', () => {
  it('401 without a key, with a Bearer challenge', async () => {
    const { status, headers, body } = await json('/api/v1/providers')
    expect(status).toBe(401)
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(body).toMatchObject({ statusCode: 401, message: expect.stringContaining('API key') })
  })

  it('401 for an unknown key', async () => {
    expect((await json('/api/v1/providers', 'ap_not-a-real-key')).status).toBe(401)
  })

  it('a viewer reads, but cannot write or reach admin routes', async () => {
    expect((await json('/api/v1/providers', portal.keys.viewer)).status).toBe(200)
    const write = await fetch('/api/v1/providers', { method: 'POST', ...auth(portal.keys.viewer) })
    expect(write.status).toBe(403)
    const admin = await json('/api/v1/admin/health', portal.keys.viewer)
    expect(admin.status).toBe(403)
    expect(admin.body.message).toMatch(/admin role/)
    expect((await json('/metrics', portal.keys.operator)).status).toBe(403)
  })

  it('the bootstrap admin key from NUXT_BOOTSTRAP_ADMIN_KEY is an admin key', async () => {
    expect((await json('/api/v1/providers', 'ap_e2e-bootstrap-admin-key-0123456789abcdef')).status).toBe(200)
  })
})

describe('GET /api/v1/providers', () => {
  it('lists providers by name with keyset pagination that visits each exactly once', async () => {
    const db = new Database(portal.dbPath, { readonly: true })
    const expected = db.prepare('SELECT id FROM providers ORDER BY name, id').all().map((r: any) => r.id)
    db.close()
    expect(expected.length).toBeGreaterThan(50)

    const first = await json('/api/v1/providers?limit=25&count=true', portal.keys.viewer)
    expect(first.status).toBe(200)
    expect(first.body.page).toMatchObject({ limit: 25, total: expected.length })
    expect(first.body.data[0]).toEqual({ id: expect.any(Number), npi: expect.stringMatching(/^\d{10}$/), name: expect.any(String), specialty: expect.any(String), state: expect.any(String) })

    const ids: number[] = []
    let next: string | null = null
    let pages = 0
    do {
      const page = await json(`/api/v1/providers?limit=25${next ? `&cursor=${next}` : ''}`, portal.keys.viewer)
      ids.push(...page.body.data.map((p: any) => p.id))
      next = page.body.page.nextCursor
      pages++
    } while (next && pages < 100)
    expect(ids).toEqual(expected)
  })

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['count=maybe', 'count'],
    ['cursor=garbage', 'cursor'],
  ])('400 for %s, naming the field', async (query, field) => {
    const { status, body } = await json(`/api/v1/providers?${query}`, portal.keys.viewer)
    expect(status).toBe(400)
    expect(body.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]))
  })
})

describe('GET /api/v1/providers/:id', () => {
  it('answers a provider with claim totals that match the claims rows', async () => {
    const db = new Database(portal.dbPath, { readonly: true })
    const busiest = db.prepare(`SELECT provider_id AS id, count(*) AS claims, sum(status = 'denied') AS denied,
      sum(billed_cents) AS billed, sum(paid_cents) AS paid FROM claims GROUP BY provider_id ORDER BY claims DESC LIMIT 1`).get() as any
    db.close()
    const { status, body } = await json(`/api/v1/providers/${busiest.id}`, portal.keys.viewer)
    expect(status).toBe(200)
    expect(body).toMatchObject({ id: busiest.id })
    expect(body.totals).toMatchObject({ claims: busiest.claims, denied: busiest.denied, billedCents: busiest.billed, paidCents: busiest.paid })
    expect(body.totals.denialRate).toBeCloseTo(busiest.denied / busiest.claims, 10)
  })

  it('404 for an id that does not exist', async () => {
    const { status, body } = await json('/api/v1/providers/999999', portal.keys.viewer)
    expect(status).toBe(404)
    expect(body.message).toMatch(/999999/)
  })

  it.each(['abc', '1.5', '-3', '0'])('400 for id %s, naming the id', async (id) => {
    const { status, body } = await json(`/api/v1/providers/${id}`, portal.keys.viewer)
    expect(status).toBe(400)
    expect(body.data.issues[0].path).toBe('id')
  })
})

// The claims API's rules over HTTP: a cursor only continues the listing that issued it; every
// closed set names its allowed values when given another; PATCH answers 200 or 409 by the
// transition table (the unit test tries all 36 pairs; here one of each outcome).
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 3000, people: 2, days: 30 }, env: { NUXT_JOB_SCHEDULE: 'off' } })

let db: Database.Database
beforeAll(() => {
  db = new Database(portal.dbPath, { readonly: true })
})
afterAll(() => db.close())

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(path, { method, headers: { ...auth(key).headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

describe('a cursor', () => {
  it('issued for status=denied is refused with status=paid: 400 on cursor, said once', async () => {
    const first = await call('GET', '/api/v1/claims?status=denied&limit=5', portal.keys.viewer)
    const cursor = first.body.page.nextCursor as string
    expect(cursor).toBeTruthy()
    expect((await call('GET', `/api/v1/claims?status=denied&limit=5&cursor=${cursor}`, portal.keys.viewer)).status).toBe(200)
    for (const other of ['status=paid', 'status=denied&sort=billedCents', 'status=denied&status=paid', 'status=denied&payer=Aetna']) {
      const res = await call('GET', `/api/v1/claims?${other}&limit=5&cursor=${cursor}`, portal.keys.viewer)
      expect(res.status, other).toBe(400)
      expect(res.body.data.issues).toEqual([{ path: 'cursor', message: expect.stringMatching(/^was issued for other filters or another sort/) }])
      expect(res.body.message).not.toMatch(/cursor cursor/)
    }
    const garbage = await call('GET', '/api/v1/claims?cursor=bm9wZQ', portal.keys.viewer)
    expect(garbage.body.message).toBe('Invalid input: cursor is not a cursor this endpoint issued')
  })
})

describe('closed sets', () => {
  // Each route parameter (or body field) that takes one of a fixed list, with that list.
  const CASES: { method: string, path: string, body?: unknown, issue: string, values: string[] }[] = [
    { method: 'GET', path: '/api/v1/claims?status=lost', issue: 'status', values: ['submitted', 'pending', 'approved', 'denied', 'paid', 'appealed'] },
    { method: 'GET', path: '/api/v1/claims?status=paid&status=lost', issue: 'status[1]', values: ['submitted', 'appealed'] },
    { method: 'GET', path: '/api/v1/claims?sort=payer', issue: 'sort', values: ['dateOfService', '-dateOfService', 'billedCents', '-billedCents', 'submittedAt', '-submittedAt'] },
    { method: 'GET', path: '/api/v1/claims?count=yes', issue: 'count', values: ['true', 'false'] },
    { method: 'GET', path: '/api/v1/claims/export?format=xlsx', issue: 'format', values: ['csv', 'ndjson'] },
    { method: 'GET', path: '/api/v1/claims/metrics?groupBy=year', issue: 'groupBy', values: ['day', 'week', 'month', 'provider', 'payer', 'denialReason'] },
    { method: 'GET', path: '/api/v1/health-data/summary?personId=P1&metric=mood', issue: 'metric', values: ['resting_heart_rate', 'steps', 'diastolic_bp'] },
    { method: 'GET', path: '/api/v1/health-data/summary?personId=P1&metric=steps&bucket=year', issue: 'bucket', values: ['day', 'week', 'month'] },
    { method: 'GET', path: '/api/v1/admin/routes?window=2h', issue: 'window', values: ['1m', '5m', '1h'] },
    { method: 'GET', path: '/api/v1/admin/jobs?status=stuck', issue: 'status', values: ['queued', 'running', 'succeeded', 'failed'] },
    { method: 'DELETE', path: '/api/v1/admin/cache?namespace=all', issue: 'namespace', values: ['claims:list', 'correlations'] },
    { method: 'POST', path: '/api/v1/admin/keys', body: { name: 'k', role: 'root' }, issue: 'role', values: ['viewer', 'operator', 'admin'] },
    { method: 'PATCH', path: '/api/v1/claims/1', body: { status: 'lost' }, issue: 'status', values: ['submitted', 'paid'] },
  ]
  it.each(CASES)('$method $path', async ({ method, path, body, issue, values }) => {
    const res = await call(method, path, ADMIN_KEY, body)
    expect(res.status).toBe(400)
    const found = res.body.data.issues.find((i: { path: string }) => i.path === issue)
    expect(found, JSON.stringify(res.body.data.issues)).toBeDefined()
    expect(found.message).toMatch(/^must be one of /)
    for (const value of values) expect(found.message).toContain(value)
    expect(res.body.message).not.toMatch(/Invalid input$|Invalid option/)
  })
})

describe('PATCH /claims/:id transitions', () => {
  const inStatus = (status: string) => (db.prepare('SELECT id FROM claims WHERE status = ? ORDER BY id LIMIT 1').get(status) as { id: number }).id
  const statusOf = (id: number) => (db.prepare('SELECT status FROM claims WHERE id = ?').get(id) as { status: string }).status

  it('an allowed one is 200 and stored (approved → paid)', async () => {
    const id = inStatus('approved')
    const res = await call('PATCH', `/api/v1/claims/${id}`, portal.keys.operator, { status: 'paid' })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('paid')
    expect(statusOf(id)).toBe('paid')
  })

  it('an impossible one is 409 with the reason and changes nothing (paid is final)', async () => {
    const id = inStatus('paid')
    const res = await call('PATCH', `/api/v1/claims/${id}`, portal.keys.operator, { status: 'appealed' })
    expect(res.status).toBe(409)
    expect(res.body.message).toBe('A paid claim cannot become appealed (allowed: none)')
    expect(statusOf(id)).toBe('paid')
  })
})

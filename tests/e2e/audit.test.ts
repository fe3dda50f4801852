// The audit log over HTTP: every write route leaves exactly one row naming its actor and action,
// a rejected write leaves none, reads of one person's records are recorded (from the cache or
// not) without their values, and GET /api/v1/admin/audit pages and filters them.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 300, people: 4, days: 60 }, env: { NUXT_JOB_SCHEDULE: 'off' } })

interface AuditRow { id: number, actor: string, action: string, target: string | null, detail: string | null }
let db: Database.Database
beforeAll(() => {
  db = new Database(portal.dbPath, { readonly: true })
})
afterAll(() => db.close())

const keyId = (name: string) => (db.prepare('SELECT id FROM api_keys WHERE name = ?').get(name) as { id: number }).id
const lastId = () => (db.prepare('SELECT coalesce(max(id), 0) AS id FROM audit_log').get() as { id: number }).id
const rowsAfter = (id: number) => db.prepare('SELECT id, actor, action, target, detail FROM audit_log WHERE id > ? ORDER BY id').all(id) as AuditRow[]

async function call(method: string, path: string, key: string, body?: unknown, type = 'application/json') {
  const res = await fetch(path, { method, headers: { ...auth(key).headers, ...(body === undefined ? {} : { 'content-type': type }) }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

async function eventually<T>(fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(r => setTimeout(r, 50))
  }
}

const person = () => (db.prepare('SELECT ref FROM people ORDER BY id LIMIT 1').get() as { ref: string }).ref
const claimId = () => (db.prepare('SELECT id FROM claims ORDER BY id LIMIT 1').get() as { id: number }).id

describe('every write route', () => {
  const operator = () => `key:${keyId('e2e operator')}`
  const admin = () => `key:${keyId('bootstrap admin')}`
  const point = { personId: 'AUD-1', metric: 'steps', value: 4321, at: '2026-06-01T08:00:00Z', source: 'watch' }
  const claim = { source: 'audit', sourceId: 'AUD-1', providerId: 1, payer: 'Aetna', patientRef: 'PT-AUD1', cptCode: '99213', dateOfService: '2026-06-01', submittedAt: '2026-06-02T10:00:00Z', status: 'submitted', billedCents: 12000, paidCents: 0 }

  // Each write, by whom, the action it must record and its target (a function: ids come from the answers).
  const WRITES: { name: string, key: () => string, actor: () => string, action: string, send: () => Promise<{ status: number, body: any }>, target: (body: any) => string | null }[] = [
    { name: 'POST /claims', key: () => portal.keys.operator, actor: operator, action: 'claims.ingest', send: () => call('POST', '/api/v1/claims', portal.keys.operator, [claim]), target: () => null },
    { name: 'PATCH /claims/:id', key: () => portal.keys.operator, actor: operator, action: 'claims.patch', send: () => call('PATCH', `/api/v1/claims/${claimId()}`, portal.keys.operator, { paidCents: 0 }), target: () => `claim:${claimId()}` },
    { name: 'POST /health-data', key: () => portal.keys.operator, actor: operator, action: 'health.ingest', send: () => call('POST', '/api/v1/health-data', portal.keys.operator, [point]), target: () => null },
    { name: 'POST /supplement-intakes', key: () => portal.keys.operator, actor: operator, action: 'intakes.ingest', send: () => call('POST', '/api/v1/supplement-intakes', portal.keys.operator, [{ personId: 'AUD-1', supplementId: 'magnesium', takenAt: '2026-06-01T21:00:00Z', dose: 200, unit: 'mg' }]), target: () => null },
    { name: 'POST /correlations/recompute', key: () => portal.keys.operator, actor: operator, action: 'correlations.recompute', send: () => call('POST', '/api/v1/correlations/recompute', portal.keys.operator, { personId: 'AUD-1' }), target: () => 'AUD-1' },
    { name: 'POST /admin/keys', key: () => ADMIN_KEY, actor: admin, action: 'apiKeys.create', send: () => call('POST', '/api/v1/admin/keys', ADMIN_KEY, { name: 'audited', role: 'viewer' }), target: b => `key:${b.id}` },
    { name: 'DELETE /admin/keys/:id', key: () => ADMIN_KEY, actor: admin, action: 'apiKeys.revoke', send: () => call('DELETE', `/api/v1/admin/keys/${keyId('audited')}`, ADMIN_KEY), target: () => `key:${keyId('audited')}` },
    { name: 'POST /admin/users', key: () => ADMIN_KEY, actor: admin, action: 'users.create', send: () => call('POST', '/api/v1/admin/users', ADMIN_KEY, { email: 'audited@example.com', password: 'a long enough password', role: 'viewer' }), target: b => `user:${b.id}` },
    {
      name: 'DELETE /admin/users/:id', key: () => ADMIN_KEY, actor: admin, action: 'users.disable',
      send: () => call('DELETE', `/api/v1/admin/users/${(db.prepare(`SELECT id FROM users WHERE email = 'audited@example.com'`).get() as { id: number }).id}`, ADMIN_KEY),
      target: b => `user:${b.id}`,
    },
    { name: 'DELETE /admin/cache', key: () => ADMIN_KEY, actor: admin, action: 'cache.invalidate', send: () => call('DELETE', '/api/v1/admin/cache?namespace=claims:list', ADMIN_KEY), target: () => null },
  ]

  it.each(WRITES)('$name leaves exactly one audit row with its actor and action', async (w) => {
    const before = lastId()
    const res = await w.send()
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
    expect(rowsAfter(before).map(({ actor, action, target }) => ({ actor, action, target }))).toEqual([{ actor: w.actor(), action: w.action, target: w.target(res.body) }])
  })

  it('a write refused (bad row, impossible transition, unknown id) leaves no audit row', async () => {
    const before = lastId()
    expect((await call('POST', '/api/v1/claims', portal.keys.operator, [claim, { ...claim, sourceId: 'AUD-2', billedCents: -1 }])).status).toBe(400)
    expect((await call('POST', '/api/v1/health-data', portal.keys.operator, [{ ...point, value: -5 }])).status).toBe(400)
    expect((await call('PATCH', '/api/v1/claims/987654', portal.keys.operator, { paidCents: 0 })).status).toBe(404)
    expect((await call('DELETE', '/api/v1/admin/keys/987654', ADMIN_KEY)).status).toBe(404)
    expect((await call('POST', '/api/v1/admin/users', ADMIN_KEY, { email: 'audited@example.com', password: 'a long enough password', role: 'viewer' })).status).toBe(409)
    expect(rowsAfter(before)).toEqual([])
  })
})

describe('reads of one person\'s records', () => {
  it('are recorded with actor, action and target, from the cache as from the database, without values', async () => {
    const ref = person()
    const { body } = await call('POST', '/api/v1/correlations/recompute', portal.keys.operator, { personId: ref })
    let status = ''
    for (let i = 0; i < 200 && status !== 'succeeded'; i++) {
      await new Promise(r => setTimeout(r, 100))
      status = (await call('GET', `/api/v1/jobs/${body.jobId}`, ADMIN_KEY)).body.status
    }
    const viewer = `key:${keyId('e2e viewer')}`
    const correlation = db.prepare('SELECT c.id FROM correlations AS c JOIN people AS p ON p.id = c.person_id WHERE p.ref = ? LIMIT 1').get(ref) as { id: number } | undefined
    expect(correlation).toBeDefined()
    const before = lastId()
    const READS: [string, string, string][] = [
      [`/api/v1/health-data?personId=${ref}&limit=5`, 'read.health-data', ref],
      [`/api/v1/health-data/summary?personId=${ref}&metric=steps`, 'read.health-summary', ref],
      [`/api/v1/correlations?personId=${ref}`, 'read.correlations', ref],
      [`/api/v1/insights?personId=${ref}`, 'read.insights', ref],
      [`/api/v1/claims/${claimId()}`, 'read.claim', `claim:${claimId()}`],
      [`/api/v1/correlations/${correlation!.id}`, 'read.correlation', ref],
    ]
    const seenValues: string[] = []
    for (const [path] of READS) {
      const first = await call('GET', path, portal.keys.viewer)
      const second = await call('GET', path, portal.keys.viewer)
      expect([first.status, second.status], path).toEqual([200, 200])
      // Cacheable reads answer the second time from the cache: that read must be recorded too.
      if (first.headers.get('x-cache')) expect(second.headers.get('x-cache'), path).toBe('HIT')
      if (path.startsWith('/api/v1/health-data?')) seenValues.push(...first.body.data.map((p: { value: number }) => String(p.value)))
    }
    // Buffered: written within about a second.
    const rows = await eventually(() => {
      const found = rowsAfter(before).filter(r => r.action.startsWith('read.'))
      return found.length >= READS.length * 2 ? found : undefined
    })
    expect(rows.map(r => [r.actor, r.action, r.target])).toEqual(READS.flatMap(([, action, target]) => [[viewer, action, target], [viewer, action, target]]))
    expect(seenValues.length).toBeGreaterThan(0)
    for (const r of rows) {
      const detail = r.detail ?? ''
      for (const value of seenValues) expect(detail).not.toContain(value)
    }
  })

  it('a read that finds nothing (404) is not recorded', async () => {
    const before = lastId()
    expect((await call('GET', '/api/v1/health-data?personId=NOBODY', portal.keys.viewer)).status).toBe(404)
    await new Promise(r => setTimeout(r, 1500))
    expect(rowsAfter(before).filter(r => r.action.startsWith('read.'))).toEqual([])
  })
})

describe('GET /api/v1/admin/audit', () => {
  it('pages newest first by cursor, with actor, action, from and to', async () => {
    const all = await call('GET', '/api/v1/admin/audit?limit=1000', ADMIN_KEY)
    expect(all.status).toBe(200)
    expect(all.body.page).toEqual({ limit: 1000, nextCursor: null })
    const rows = all.body.data as { id: number, at: string, actor: string, action: string }[]
    expect(rows.length).toBeGreaterThan(5)
    const paged: number[] = []
    let cursor: string | null = null
    do {
      const page: any = await call('GET', `/api/v1/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`, ADMIN_KEY)
      expect(page.body.data.length).toBeLessThanOrEqual(3)
      paged.push(...page.body.data.map((r: { id: number }) => r.id))
      cursor = page.body.page.nextCursor
    } while (cursor)
    expect(paged).toEqual(rows.map(r => r.id))
    expect(rows.map(r => r.at)).toEqual([...rows.map(r => r.at)].sort().reverse())

    const patches = await call('GET', '/api/v1/admin/audit?action=claims.patch', ADMIN_KEY)
    expect(patches.body.data.map((r: { action: string }) => r.action)).toEqual(['claims.patch'])
    const byActor = await call('GET', `/api/v1/admin/audit?actor=key:${keyId('e2e viewer')}`, ADMIN_KEY)
    expect(byActor.body.data.length).toBeGreaterThan(0)
    expect(new Set(byActor.body.data.map((r: { actor: string }) => r.actor))).toEqual(new Set([`key:${keyId('e2e viewer')}`]))
    const today = new Date().toISOString().slice(0, 10)
    expect((await call('GET', `/api/v1/admin/audit?from=${today}&to=${today}&limit=1000`, ADMIN_KEY)).body.data).toHaveLength(rows.length)
    expect((await call('GET', '/api/v1/admin/audit?to=2020-01-01', ADMIN_KEY)).body.data).toEqual([])
    const oldest = rows[rows.length - 1]!
    // An instant is exact and inclusive.
    expect((await call('GET', `/api/v1/admin/audit?to=${oldest.at}`, ADMIN_KEY)).body.data.map((r: { id: number }) => r.id))
      .toEqual(rows.filter(r => r.at <= oldest.at).map(r => r.id))
  })

  it('400 names a bad filter; admins only', async () => {
    const bad = await call('GET', '/api/v1/admin/audit?from=yesterday', ADMIN_KEY)
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('from')
    expect((await call('GET', '/api/v1/admin/audit?cursor=nope', ADMIN_KEY)).body.data.issues[0].path).toBe('cursor')
    expect((await call('GET', '/api/v1/admin/audit', portal.keys.operator)).status).toBe(403)
  })
})

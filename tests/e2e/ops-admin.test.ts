// The Operations API (admin role): every route's credentials and shape, request measurements and /metrics.
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

// Every request is "slow" here, so the slow-request log has entries to check.
const portal = await usePortal({ seed: { claims: 3000 }, env: { NUXT_SLOW_REQUEST_MS: '0', NUXT_SLOW_QUERY_MS: '0' } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

async function get(path: string, key = portal.keys.admin, headers: Record<string, string> = {}) {
  const res = await fetch(path, { headers: { ...auth(key).headers, ...headers } })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined as any }
}

const ADMIN_ROUTES = [
  ['GET', '/api/v1/admin/health'],
  ['GET', '/api/v1/admin/cache/stats'],
  ['DELETE', '/api/v1/admin/cache'],
  ['GET', '/api/v1/admin/queries'],
  ['GET', '/api/v1/admin/indexes'],
  ['GET', '/api/v1/admin/routes'],
  ['GET', '/api/v1/admin/alerts'],
  ['GET', '/metrics'],
] as const

describe('admin routes need the admin role', () => {
  it.each(ADMIN_ROUTES)('%s %s: 401 without a key, 403 for a viewer and an operator, 200 for an admin', async (method, path) => {
    expect((await fetch(path, { method })).status).toBe(401)
    expect((await fetch(path, { method, ...auth(portal.keys.viewer) })).status).toBe(403)
    expect((await fetch(path, { method, ...auth(portal.keys.operator) })).status).toBe(403)
    expect((await fetch(path, { method, ...auth(portal.keys.admin) })).status).toBe(200)
  })
})

describe('admin route bodies', () => {
  it('health: status, checks with value and threshold, requests, db, cache, process', async () => {
    await get('/api/v1/claims?limit=5', portal.keys.viewer)
    const { body } = await get('/api/v1/admin/health')
    expect(['healthy', 'degraded', 'unhealthy']).toContain(body.status)
    const names = body.checks.map((c: any) => c.name)
    expect(names).toEqual(expect.arrayContaining(['p95', 'errorRate', 'eventLoopP99', 'dbPing', 'walSize', 'cacheHitRate', 'backupAge', 'statsAge']))
    for (const check of body.checks) expect(check).toMatchObject({ status: expect.stringMatching(/^(ok|warn|fail)$/), threshold: expect.any(Number) })
    expect(body.checks.find((c: any) => c.name === 'dbPing')).toMatchObject({ status: 'ok', value: expect.any(Number) })
    // Nothing has ever backed this database up: that is worth a warning, so the portal is not "healthy".
    expect(body.checks.find((c: any) => c.name === 'backupAge')).toMatchObject({ status: 'warn', value: null })
    expect(body.status).toBe('degraded')
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0)
    expect(body.requests).toMatchObject({ rps: expect.any(Number), errorRate: 0, p50Ms: expect.any(Number), p95Ms: expect.any(Number), p99Ms: expect.any(Number) })
    expect(body.requests.rps).toBeGreaterThan(0)
    expect(body.db).toMatchObject({ sizeBytes: expect.any(Number), walBytes: expect.any(Number), pingMs: expect.any(Number), lastBackupAt: null })
    expect(body.db.sizeBytes).toBeGreaterThan(100_000)
    expect(body.cache).toMatchObject({ hitRate: expect.any(Number) })
    expect(body.process.rssBytes).toBeGreaterThan(10_000_000)
    expect(body.process).toMatchObject({ heapUsedBytes: expect.any(Number), eventLoopP99Ms: expect.any(Number) })
  })

  it('queries: per-name statistics with SQL and plan, and the slow log, never with bound values', async () => {
    const id = (db.prepare(`SELECT id FROM claims WHERE payer = 'Cigna' LIMIT 1`).get() as { id: number }).id
    await get(`/api/v1/claims/${id}`, portal.keys.viewer)
    await get('/api/v1/claims?payer=Cigna&limit=3', portal.keys.viewer)
    const { body, text } = await get('/api/v1/admin/queries')
    const byId = body.queries.find((q: any) => q.name === 'claims.byId')
    expect(byId).toMatchObject({ sql: expect.stringContaining('FROM claims WHERE id = @id'), calls: expect.any(Number), meanMs: expect.any(Number), p95Ms: expect.any(Number), maxMs: expect.any(Number), rows: expect.any(Number) })
    expect(byId.calls).toBeGreaterThanOrEqual(1)
    expect(byId.plan).toMatch(/SEARCH claims USING INTEGER PRIMARY KEY/)
    expect(body.slow.length).toBeGreaterThan(0)
    expect(body.slow[0]).toMatchObject({ name: expect.any(String), sql: expect.any(String), durationMs: expect.any(Number), at: expect.any(String), plan: expect.any(String) })
    expect(text).not.toContain('Cigna')
  })

  it('indexes: tables, index columns and sizes, usedBy from plans, unused, duplicates, full scans', async () => {
    await get('/api/v1/claims?status=denied&limit=3', portal.keys.viewer)
    const { body } = await get('/api/v1/admin/indexes?refresh=true')
    const claims = body.tables.find((t: any) => t.name === 'claims')
    expect(claims.rows).toBe((db.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }).n)
    expect(claims.sizeBytes).toBeGreaterThan(0)
    const statusDate = claims.indexes.find((ix: any) => ix.name === 'idx_claims_status_date')
    expect(statusDate).toMatchObject({ columns: ['status', 'date_of_service', 'id'], where: null, unique: false, sizeBytes: expect.any(Number) })
    expect(statusDate.usedBy.some((q: string) => q.startsWith('claims.list['))).toBe(true)
    const denial = claims.indexes.find((ix: any) => ix.name === 'idx_claims_denial_date')
    expect(denial.where).toMatch(/denial_reason.*IS NOT NULL/i)
    expect(claims.indexes.find((ix: any) => ix.name === 'uq_claims_source')).toMatchObject({ unique: true })
    expect(body.unused).toEqual(expect.any(Array))
    expect(body.unused).not.toContain('idx_claims_status_date')
    expect(body.duplicates).toEqual(expect.any(Array))
    for (const scan of body.fullScans) expect(scan).toMatchObject({ query: expect.any(String), table: expect.any(String), plan: expect.stringContaining(`SCAN ${scan.table}`) })
    expect(body).toHaveProperty('statsAnalyzedAt')
  })

  it('routes: per route template, never a raw URL, for each window; 400 for an unknown window', async () => {
    const ids = (db.prepare('SELECT id FROM claims ORDER BY id LIMIT 3').all() as { id: number }[]).map(r => r.id)
    for (const id of ids) await get(`/api/v1/claims/${id}`, portal.keys.viewer)
    await get('/api/v1/claims/999999999', portal.keys.viewer)
    for (const window of ['1m', '5m', '1h']) {
      const { status, body } = await get(`/api/v1/admin/routes?window=${window}`)
      expect(status).toBe(200)
      const one = body.routes.find((r: any) => r.route === '/api/v1/claims/:id' && r.method === 'GET')
      expect(one).toMatchObject({ count: expect.any(Number), errors: 0, rps: expect.any(Number), p50Ms: expect.any(Number), p95Ms: expect.any(Number), p99Ms: expect.any(Number) })
      expect(one.count).toBeGreaterThanOrEqual(4)
      expect(one.p50Ms).toBeLessThanOrEqual(one.p95Ms)
      expect(one.p95Ms).toBeLessThanOrEqual(one.p99Ms)
      for (const r of body.routes) expect(r.route).not.toMatch(/\/\d+/)
    }
    const { body } = await get('/api/v1/admin/routes')
    expect(body.slow[0]).toMatchObject({ method: expect.any(String), route: expect.any(String), status: expect.any(Number), durationMs: expect.any(Number), requestId: expect.any(String) })
    for (const s of body.slow) expect(s.route).not.toMatch(/\/\d+/)
    const withHistory = await get('/api/v1/admin/routes?history=true')
    for (const minute of withHistory.body.history) expect(minute).toMatchObject({ minute: expect.stringMatching(/:00\.000Z$/), errors: 0, p95Ms: expect.any(Number) })
    expect(withHistory.body.history.reduce((n: number, m: any) => n + m.count, 0)).toBeGreaterThanOrEqual(4)
    expect(body.history).toBeUndefined()
    const bad = await get('/api/v1/admin/routes?window=2d')
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toBe('window')
  })

  it('alerts: rules with measures and thresholds, firing, history', async () => {
    const { body } = await get('/api/v1/admin/alerts')
    expect(body.rules.length).toBeGreaterThanOrEqual(6)
    for (const rule of body.rules) expect(rule).toMatchObject({ name: expect.any(String), measure: expect.any(String), threshold: expect.any(Number) })
    expect(body.firing).toEqual(expect.any(Array))
    expect(body.history).toEqual(expect.any(Array))
  })
})

describe('request measurements', () => {
  it('every /api response has an X-Request-Id; a valid incoming one is kept, an invalid one replaced', async () => {
    const fresh = await fetch('/api/v1/providers', auth(portal.keys.viewer))
    expect(fresh.headers.get('x-request-id')).toMatch(/^[\w.-]{8,128}$/)
    const kept = await fetch('/api/v1/providers', { headers: { ...auth(portal.keys.viewer).headers, 'x-request-id': 'trace-0001.abc_DEF' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-0001.abc_DEF')
    const replaced = await fetch('/api/v1/providers', { headers: { ...auth(portal.keys.viewer).headers, 'x-request-id': 'bad id <script>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const denied = await fetch('/api/v1/providers')
    expect(denied.status).toBe(401)
    expect(denied.headers.get('x-request-id')).toBeTruthy()
    expect(denied.headers.get('server-timing')).toMatch(/total;dur=/)
  })

  it('Server-Timing has total, db (time in named queries) and the cache status', async () => {
    const miss = await fetch('/api/v1/claims?payer=Aetna&limit=7&sort=-billedCents', auth(portal.keys.viewer))
    const timing = miss.headers.get('server-timing')!
    const total = Number(/total;dur=([\d.]+)/.exec(timing)![1])
    const dbMs = Number(/db;dur=([\d.]+)/.exec(timing)![1])
    expect(timing).toContain('cache;desc=MISS')
    expect(dbMs).toBeGreaterThan(0)
    expect(dbMs).toBeLessThanOrEqual(total)
    const hit = await fetch('/api/v1/claims?payer=Aetna&limit=7&sort=-billedCents', auth(portal.keys.viewer))
    expect(hit.headers.get('server-timing')).toContain('cache;desc=HIT')
  })
})

describe('GET /metrics', () => {
  it('is Prometheus text with the request, cache, query and process families, and no id in any label', async () => {
    const ids = (db.prepare('SELECT id, patient_ref AS ref FROM claims ORDER BY id DESC LIMIT 2').all() as { id: number, ref: string }[])
    for (const { id } of ids) await get(`/api/v1/claims/${id}`, portal.keys.viewer)
    await get('/api/v1/claims/metrics?groupBy=payer', portal.keys.viewer)
    await get('/api/v1/claims/metrics?groupBy=payer', portal.keys.viewer)
    const { status, headers, text } = await get('/metrics')
    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const types = new Map<string, string>()
    const labels: Record<string, string>[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      const type = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line)
      if (type) types.set(type[1]!, type[2]!)
      if (line.startsWith('#')) continue
      const sample = /^(\w+)(?:\{(.*)\})? (-?[\d.e+-]+|NaN|\+Inf|-Inf)$/.exec(line)
      expect(sample, line).not.toBeNull()
      if (sample![2]) labels.push(Object.fromEntries([...sample![2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(m => [m[1]!, m[2]!])))
    }
    expect(types.get('http_request_duration_seconds')).toBe('histogram')
    expect(types.get('http_requests_total')).toBe('counter')
    expect(types.get('http_request_errors_total')).toBe('counter')
    expect(types.get('cache_hits_total')).toBe('counter')
    expect(types.get('cache_misses_total')).toBe('counter')
    expect(types.get('db_query_duration_seconds')).toBe('histogram')
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter')
    expect(types.get('process_resident_memory_bytes')).toBe('gauge')
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/claims\/:id",status="200"\} \d+/)
    expect(text).toMatch(/cache_hits_total\{namespace="claims:metrics"\} [1-9]/)
    expect(text).toMatch(/db_query_duration_seconds_count\{query="claims.byId"\} [1-9]/)
    for (const set of labels) {
      for (const value of Object.values(set)) {
        expect(value).not.toMatch(/\/\d+(\/|$)/)
        for (const { id, ref } of ids) {
          expect(value).not.toContain(ref)
          expect(value.split(/[^\d]/)).not.toContain(String(id))
        }
      }
    }
  })
})

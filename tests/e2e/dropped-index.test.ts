// Indexes are advice, not a dependency, on the built server: an operator drops, from a second
// connection (as with the sqlite3 shell), each index the claims statements name, in turn. Every
// list, count, metrics and denial-patterns shape keeps answering 200 with the same claims as
// before; /admin/indexes and /admin/health name the missing index; recreated, it is planned with
// again (its statements are back in the query stats).
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 6000, people: 2, days: 30 } })

const STATUSES = [undefined, 'denied', ['paid', 'pending']]
const SORTS = ['-dateOfService', 'dateOfService', 'billedCents', '-billedCents', 'submittedAt', '-submittedAt']
const FILTERS: Record<string, string>[] = [
  {},
  { payer: 'Aetna' },
  { providerId: '3' },
  { denialReason: 'CO-16' },
  { from: '2025-11-01', to: '2026-02-28' },
  { minBilledCents: '20000', maxBilledCents: '40000' },
  { payer: 'Cigna', from: '2026-01-01' },
  { providerId: '5', minBilledCents: '10000' },
]
const GROUPS = ['day', 'week', 'month', 'provider', 'payer', 'denialReason']

const PLANNED = [
  'idx_claims_date', 'idx_claims_billed', 'idx_claims_submitted', 'idx_claims_status_date', 'idx_claims_provider_date',
  'idx_claims_payer_date', 'idx_claims_denial_date', 'idx_claims_provider_billed', 'idx_claims_daily_dim_key_day', 'idx_claims_daily_dim_day_key',
]

function listUrls(): string[] {
  const urls: string[] = []
  for (const status of STATUSES) {
    for (const sort of SORTS) {
      for (const filters of FILTERS) {
        const q = new URLSearchParams({ ...filters, sort, limit: '20', count: 'true' })
        for (const s of status === undefined ? [] : [status].flat()) q.append('status', s)
        urls.push(`/api/v1/claims?${q}`)
      }
    }
  }
  return urls
}

const OTHER_URLS = [
  ...GROUPS.flatMap(groupBy => [`/api/v1/claims/metrics?groupBy=${groupBy}&from=2026-03-01&to=2026-03-31`, `/api/v1/claims/metrics?groupBy=${groupBy}&from=2025-01-01&to=2026-06-30`]),
  '/api/v1/claims/denial-patterns?from=2026-01-01&to=2026-06-30&minCount=1&limit=500',
  '/api/v1/claims/export?format=ndjson&status=denied&sort=billedCents',
]

/** Every shape's answer (the second page of each list too), read past the cache. */
async function sweep(): Promise<{ answers: Map<string, unknown>, statuses: number[] }> {
  const answers = new Map<string, unknown>()
  const statuses: number[] = []
  const get = async (url: string) => {
    // no-cache: computed afresh, as a first request of that shape would be.
    const res = await fetch(url, { headers: { ...auth(portal.keys.viewer).headers, 'cache-control': 'no-cache' } })
    statuses.push(res.status)
    return res
  }
  for (const url of listUrls()) {
    const res = await get(url)
    if (res.status !== 200) continue
    const body = await res.json() as { data: { id: number }[], page: { total: number, nextCursor: string | null } }
    let second: number[] | undefined
    if (body.page.nextCursor) {
      const next = await get(`${url}&cursor=${encodeURIComponent(body.page.nextCursor)}`)
      if (next.status === 200) second = (await next.json() as { data: { id: number }[] }).data.map(c => c.id)
    }
    answers.set(url, { ids: body.data.map(c => c.id), total: body.page.total, second })
  }
  for (const url of OTHER_URLS) {
    const res = await get(url)
    if (res.status !== 200) continue
    const text = await res.text()
    answers.set(url, url.includes('/export') ? text : (({ data, series, totals }) => ({ data, series, totals }))(JSON.parse(text)))
  }
  return { answers, statuses }
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(path, auth(portal.keys.admin))
  expect(res.status).toBe(200)
  return await res.json() as T
}

let operator: Database.Database
let baseline: Map<string, unknown>
const definitions = new Map<string, string>()

beforeAll(async () => {
  operator = new Database(portal.dbPath)
  operator.pragma('busy_timeout = 5000')
  for (const { name, sql } of operator.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL`).all() as { name: string, sql: string }[]) definitions.set(name, sql)
  const before = await sweep()
  expect(before.statuses.every(s => s === 200)).toBe(true)
  baseline = before.answers
}, 120_000)
afterAll(() => operator.close())

describe('an index the planners name, dropped by an operator on the running portal', () => {
  it('is listed as used by its planner, not as unused, while it exists', async () => {
    const report = await admin<{ unused: string[], missing: unknown[], tables: { indexes: { name: string, usedBy: string[] }[] }[] }>('/api/v1/admin/indexes?refresh=true')
    expect(report.missing).toEqual([])
    for (const index of PLANNED) {
      expect(report.unused).not.toContain(index)
      expect(report.tables.flatMap(t => t.indexes).find(ix => ix.name === index)!.usedBy.length).toBeGreaterThan(0)
    }
  })

  it.each(PLANNED)('%s: every shape answers 200 with the same claims; the operations layer names it; recreated, it is planned with again', async (index) => {
    operator.exec(`DROP INDEX ${index}`)
    try {
      const during = await sweep()
      expect(during.statuses.filter(s => s !== 200)).toEqual([])
      expect(during.answers).toEqual(baseline)
      const report = await admin<{ missing: { index: string, usedBy: string[] }[] }>('/api/v1/admin/indexes')
      expect(report.missing.map(m => m.index)).toEqual([index])
      expect(report.missing[0]!.usedBy.length).toBeGreaterThan(0)
      const health = await admin<{ status: string, checks: { name: string, status: string, value: number }[], db: { missingIndexes: string[] } }>('/api/v1/admin/health')
      expect(health.checks.find(c => c.name === 'plannerIndexes')).toMatchObject({ status: 'warn', value: 1 })
      expect(health.db.missingIndexes).toEqual([index])
    }
    finally {
      operator.exec(definitions.get(index)!)
    }
    // The planner looks at the schema at most once a second.
    await new Promise(resolve => setTimeout(resolve, 1100))
    const callsOf = async () => (await admin<{ queries: { name: string, sql: string, calls: number }[] }>('/api/v1/admin/queries')).queries
      .filter(q => q.sql.includes(`INDEXED BY ${index}`)).reduce((n, q) => n + q.calls, 0)
    const before = await callsOf()
    const after = await sweep()
    expect(after.statuses.filter(s => s !== 200)).toEqual([])
    expect(after.answers).toEqual(baseline)
    expect(await callsOf()).toBeGreaterThan(before)
    expect((await admin<{ missing: unknown[] }>('/api/v1/admin/indexes')).missing).toEqual([])
  }, 120_000)
})

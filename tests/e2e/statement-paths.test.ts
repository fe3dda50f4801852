// The statements outside a plain named query reach the operator too: an ingest's rollup merge,
// a count=true list's off-thread count and a recompute job's statements (run on the job worker
// thread) appear in /api/v1/admin/queries (stats and the slow log with a plan) and in /metrics,
// and the request's own statements, the off-thread count included, in its Server-Timing `db`.
import { describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

// 25,000 claims: a count the rollup cannot answer (an amount range over everything) visits more
// index entries than counting inline allows, so it runs on the off-thread reader.
const portal = await usePortal({ seed: { claims: 25_000, people: 3, days: 90 }, env: { NUXT_SLOW_QUERY_MS: '0' } })

interface QueryRow { name: string, calls: number, totalMs: number, rows: number, plan: string | null }

async function queries(): Promise<{ byName: Map<string, QueryRow>, slow: { name: string, plan: string }[] }> {
  const res = await fetch('/api/v1/admin/queries', auth(portal.keys.admin))
  expect(res.status).toBe(200)
  const body = await res.json() as { queries: QueryRow[], slow: { name: string, plan: string }[] }
  return { byName: new Map(body.queries.map(q => [q.name, q])), slow: body.slow }
}

const dbMs = (res: Response) => Number(/db;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN)

async function scrapedCount(name: string): Promise<number> {
  const text = await (await fetch('/metrics', auth(portal.keys.admin))).text()
  const line = text.split('\n').find(l => l.startsWith(`db_query_duration_seconds_count{query="${name}"} `))
  return line === undefined ? 0 : Number(line.split(' ').pop())
}

/** Milliseconds the named statements took between two reports. */
function spent(before: Map<string, QueryRow>, after: Map<string, QueryRow>, names: string[]): number {
  return names.reduce((ms, n) => ms + (after.get(n)?.totalMs ?? 0) - (before.get(n)?.totalMs ?? 0), 0)
}

describe('every statement on one path, seen over HTTP', () => {
  it('an ingest\'s rollup merge and bulk insert: in the stats, the slow log with a plan, /metrics and the request\'s Server-Timing db', async () => {
    const before = await queries()
    const mergesBefore = await scrapedCount('health.rollup.merge')
    const points = Array.from({ length: 40 }, (_, i) => ({ personId: `SP-${i % 4}`, metric: 'steps', value: 5000 + i, at: `2026-06-${10 + Math.floor(i / 4)}T08:00:00Z`, source: 'e2e-paths' }))
    const res = await fetch('/api/v1/health-data', { method: 'POST', body: JSON.stringify(points), headers: { ...auth(portal.keys.operator).headers, 'content-type': 'application/json' } })
    expect(await res.json()).toEqual({ inserted: 40, updated: 0, unchanged: 0 })
    expect(res.status).toBe(200)
    const after = await queries()
    const merge = after.byName.get('health.rollup.merge')!
    expect(merge.calls - (before.byName.get('health.rollup.merge')?.calls ?? 0)).toBe(1)
    // 4 people × 10 days.
    expect(merge.rows - (before.byName.get('health.rollup.merge')?.rows ?? 0)).toBe(40)
    expect(after.byName.get('health.ingest.insert')!.calls).toBeGreaterThan(before.byName.get('health.ingest.insert')?.calls ?? 0)
    expect(after.slow.find(s => s.name === 'health.rollup.merge')).toMatchObject({ plan: expect.any(String) })
    expect(await scrapedCount('health.rollup.merge')).toBe(mergesBefore + 1)
    // Server-Timing rounds to 0.01 ms.
    const merged = spent(before.byName, after.byName, ['health.rollup.merge', 'health.ingest.insert'])
    expect(merged).toBeGreaterThan(0)
    expect(dbMs(res)).toBeGreaterThanOrEqual(merged - 0.02)
  })

  it('a count=true list\'s off-thread count: in the stats, /metrics and that request\'s Server-Timing db', async () => {
    const before = await queries()
    const res = await fetch('/api/v1/claims?minBilledCents=1&count=true&limit=5', auth(portal.keys.viewer))
    expect(res.status).toBe(200)
    const body = await res.json() as { page: { total: number } }
    expect(body.page.total).toBe(25_000)
    const after = await queries()
    const counts = [...after.byName.values()].filter(q => q.name.startsWith('claims.count[') && q.calls > (before.byName.get(q.name)?.calls ?? 0))
    expect(counts.map(q => q.name)).toHaveLength(1)
    const count = counts[0]!
    expect(count.rows - (before.byName.get(count.name)?.rows ?? 0)).toBe(1)
    expect(after.slow.find(s => s.name === count.name)!.plan).toMatch(/idx_claims_billed/)
    expect(await scrapedCount(count.name)).toBeGreaterThanOrEqual(1)
    const countMs = spent(before.byName, after.byName, [count.name])
    // Counting 25,000 index entries is not free: the header would show far less without it.
    expect(countMs).toBeGreaterThan(0.05)
    expect(dbMs(res)).toBeGreaterThanOrEqual(countMs - 0.01)
  })

  it('a recompute job\'s statements, run on the job worker thread, appear once it has run', { timeout: 60_000 }, async () => {
    const upsertsBefore = (await queries()).byName.get('correlations.upsert')?.calls ?? 0
    const queued = await fetch('/api/v1/correlations/recompute', { method: 'POST', body: '{}', headers: { ...auth(portal.keys.operator).headers, 'content-type': 'application/json' } })
    expect(queued.status).toBe(202)
    const { jobId } = await queued.json() as { jobId: number }
    let job: { status: string, result?: { tests: number } } | undefined
    for (const deadline = Date.now() + 45_000; Date.now() < deadline;) {
      job = await (await fetch(`/api/v1/jobs/${jobId}`, auth(portal.keys.admin))).json() as typeof job
      if (job!.status === 'succeeded' || job!.status === 'failed') break
      await new Promise(r => setTimeout(r, 100))
    }
    expect(job).toMatchObject({ status: 'succeeded' })
    const after = await queries()
    // Everyone: the 3 seeded people and the 4 the ingest above created.
    expect(after.byName.get('correlations.people')).toMatchObject({ calls: 1, rows: 7 })
    const upserts = after.byName.get('correlations.upsert')!
    expect(upserts.calls - upsertsBefore).toBe(job!.result!.tests)
    expect(upserts.totalMs).toBeGreaterThan(0)
    expect(after.slow.some(s => s.name === 'correlations.upsert' && s.plan.length > 0)).toBe(true)
    expect(await scrapedCount('correlations.upsert')).toBeGreaterThanOrEqual(job!.result!.tests)
  })
})

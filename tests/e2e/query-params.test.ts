// Unknown query parameters are a 400 naming them, on every route file on disk, whatever its
// method, including routes that take no parameters; what the project's own callers send (the
// dashboard's claims filters, the bench's request mixes) is still answered.
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { mixFacts } from '../../scripts/bench/lib/bench-db.ts'
import { GROUP_BYS, requestMix } from '../../scripts/bench/lib/mix.ts'
import { recomputeLoadPaths } from '../../scripts/bench/lib/recompute-rounds.ts'
import { filtersToApi } from '../../utils/claims-query.ts'
import { auth, fetch, usePortal } from './portal.ts'
import { ROUTES } from './sweep.ts'

const portal = await usePortal({ seed: { claims: 2000, people: 3 }, env: { NUXT_JOB_SCHEDULE: 'off' } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())
const personId = (db.prepare('SELECT ref FROM people ORDER BY ref LIMIT 1').pluck().get()) as string

async function send(method: string, path: string) {
  const res = await fetch(path, { method, ...auth(portal.keys.admin) })
  const text = await res.text()
  let body: any = text
  try { body = JSON.parse(text) } catch {}
  return { status: res.status, body }
}

const issuePaths = (body: any): string[] => (body?.data?.issues ?? []).map((i: any) => i.path)

describe('unknown query parameters', () => {
  it('are a 400 naming them on every route file, and change nothing', async () => {
    expect(ROUTES.length).toBeGreaterThan(30)
    const before = db.prepare('SELECT (SELECT count(*) FROM claims) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM users) + (SELECT count(*) FROM job_runs)').pluck().get()
    const wrong: string[] = []
    for (const route of ROUTES) {
      const path = route.path.replace('{id}', '1')
      // A name no route takes, one a parser drops without a word, and the one that leaked claims.
      for (const param of ['zzUnknown', '__proto__', 'patientRef']) {
        const { status, body } = await send(route.method, `${path}?${param}=x`)
        if (status !== 400 || !issuePaths(body).includes(param)) wrong.push(`${route.method} ${path}?${param}=x → ${status} ${JSON.stringify(body).slice(0, 160)}`)
      }
    }
    expect(wrong).toEqual([])
    expect(db.prepare('SELECT (SELECT count(*) FROM claims) + (SELECT count(*) FROM api_keys) + (SELECT count(*) FROM users) + (SELECT count(*) FROM job_runs)').pluck().get()).toBe(before)
  }, 60_000)

  it('?patientRef= on GET /api/v1/claims answers no claims at all, with the parameter named and what the route takes', async () => {
    const { status, body } = await send('GET', '/api/v1/claims?patientRef=P1&limit=5')
    expect(status).toBe(400)
    expect(body.data).toEqual({ issues: [{ path: 'patientRef', message: expect.stringMatching(/^is not a parameter of this route \(it takes .*payer.*\)$/) }] })
    expect(JSON.stringify(body)).not.toMatch(/dateOfService|billedCents/)
  })

  it('a parameter given twice that the route takes once is a 400 naming it; a repeatable one is not', async () => {
    for (const path of ['/api/v1/claims?limit=1&limit=2', '/api/v1/claims/metrics?groupBy=day&groupBy=month', `/api/v1/health-data?personId=${personId}&personId=${personId}`]) {
      const { status, body } = await send('GET', path)
      expect(status, path).toBe(400)
      expect(body.data.issues, path).toEqual([{ path: expect.any(String), message: 'may be given only once' }])
    }
    const both = await send('GET', '/api/v1/claims?status=denied&status=paid&limit=50')
    expect(both.status).toBe(200)
    expect(new Set(both.body.data.map((c: any) => c.status))).toEqual(new Set(['denied', 'paid']))
  })

  it('what the dashboard and the bench send is still answered', async () => {
    const dashboard = new URLSearchParams()
    const filters = filtersToApi({ status: ['denied', 'appealed'], providerId: '1', payer: 'Aetna', denialReason: 'co-16', from: '2026-05-01', to: '2026-06-30', minBilled: '10', maxBilled: '5,000', sort: '-billedCents' })
    for (const [k, v] of Object.entries(filters)) for (const one of [v].flat()) dashboard.append(k, String(one))
    expect([...new Set(dashboard.keys())].sort()).toEqual(['denialReason', 'from', 'maxBilledCents', 'minBilledCents', 'payer', 'providerId', 'sort', 'status', 'to'])
    const facts = mixFacts(db, 50)
    const paths = [
      `/api/v1/claims?${dashboard}&limit=50&count=true`,
      ...(['list', 'byId', 'denialPatterns', ...GROUP_BYS.map(g => `metrics:${g}` as const)] as const).flatMap((mix) => {
        const next = requestMix(mix, facts, 3)
        return Array.from({ length: 10 }, next)
      }),
      ...recomputeLoadPaths(3, i => db.prepare('SELECT ref FROM people ORDER BY ref LIMIT 1 OFFSET ?').pluck().get(i) as string, 5),
    ]
    const failed: string[] = []
    for (const path of paths) {
      const { status, body } = await send('GET', path)
      if (status === 400) failed.push(`${path} → ${JSON.stringify(body.data?.issues)}`)
    }
    expect(failed).toEqual([])
  })
})

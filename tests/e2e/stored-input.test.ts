// Stored input over HTTP: control characters in every string field of every body schema, through
// every format its route takes, are a 400 naming the field and write nothing; metrics show payers
// exactly as stored; days of service and instants that have not happened yet are refused.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { utcDay } from '../../server/services/days.ts'
import { bodySchemas, NOT_STORED, REFUSED, stringFields, VALID, withCharacter } from '../body-schemas.ts'
import { auth, fetch, usePortal } from './portal.ts'

const portal = await usePortal({ seed: { claims: 300, people: 2 }, env: { NUXT_JOB_SCHEDULE: 'off' } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

type Format = 'json' | 'ndjson' | 'csv' | 'form'
/** Where each body schema is sent, in which formats, and whether it is a batch (issues at `[1].field`). */
const ROUTE_OF: Record<string, { method: string, path: string, formats: Format[], batch: boolean }> = {
  ClaimInput: { method: 'POST', path: '/api/v1/claims', formats: ['json', 'ndjson', 'csv'], batch: true },
  HealthPointInput: { method: 'POST', path: '/api/v1/health-data', formats: ['json', 'ndjson'], batch: true },
  IntakeInput: { method: 'POST', path: '/api/v1/supplement-intakes', formats: ['json', 'ndjson'], batch: true },
  PatchClaim: { method: 'PATCH', path: '/api/v1/claims/1', formats: ['json'], batch: false },
  RecomputeBody: { method: 'POST', path: '/api/v1/correlations/recompute', formats: ['json'], batch: false },
  CreateUserBody: { method: 'POST', path: '/api/v1/admin/users', formats: ['json'], batch: false },
  CreateKeyBody: { method: 'POST', path: '/api/v1/admin/keys', formats: ['json'], batch: false },
  LoginBody: { method: 'POST', path: '/api/auth/login', formats: ['json', 'form'], batch: false },
  ChangePasswordBody: { method: 'POST', path: '/api/auth/password', formats: ['json'], batch: false },
  SetPasswordBody: { method: 'PUT', path: '/api/v1/admin/users/1/password', formats: ['json'], batch: false },
}
const TYPES: Record<Format, string> = { json: 'application/json', ndjson: 'application/x-ndjson', csv: 'text/csv', form: 'application/x-www-form-urlencoded' }

const cell = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`
function encode(rows: Record<string, unknown>[], format: Format, batch: boolean): string {
  if (format === 'json') return JSON.stringify(batch ? rows : rows[0])
  if (format === 'ndjson') return rows.map(r => JSON.stringify(r)).join('\n')
  const keys = Object.keys(rows[0]!)
  if (format === 'form') return new URLSearchParams(rows[0] as Record<string, string>).toString()
  return [keys.join(','), ...rows.map(r => keys.map(k => cell(r[k])).join(','))].join('\n')
}

async function send(method: string, path: string, body: string, format: Format) {
  const res = await fetch(path, { method, body, redirect: 'manual', headers: { ...auth(portal.keys.admin).headers, 'content-type': TYPES[format] } })
  const text = await res.text()
  let parsed: any = text
  try { parsed = JSON.parse(text) } catch {}
  return { status: res.status, body: parsed }
}

const TABLES = ['claims', 'claims_daily', 'people', 'health_data_points', 'supplement_intakes', 'users', 'api_keys', 'job_runs', 'data_sources']
const counts = () => Object.fromEntries(TABLES.map(t => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]))
const claimOne = () => db.prepare('SELECT * FROM claims WHERE id = 1').get()

const schemas = await bodySchemas()

beforeAll(async () => {
  // The bootstrap admin user is written on first use: settle it before counting.
  await send('POST', '/api/auth/login', JSON.stringify(VALID.LoginBody), 'json')
})

describe('control characters in stored text', () => {
  it('every body schema on disk has a route here', () => {
    expect(schemas.map(s => s.name).filter(n => !ROUTE_OF[n])).toEqual([])
  })

  it('each string field of each body, with each kind of control character, in each format, is a 400 naming it that writes nothing', async () => {
    const before = counts()
    const claim = claimOne()
    const wrong: string[] = []
    let sent = 0
    for (const { name, schema } of schemas) {
      const route = ROUTE_OF[name]!
      for (const field of stringFields(schema).filter(f => !NOT_STORED.has(`${name}.${f}`))) {
        for (const format of route.formats) {
          // UTF-8 (CSV, a form) cannot carry an unpaired surrogate; JSON escapes it as \ud800.
          for (const ch of REFUSED.filter(c => format === 'json' || format === 'ndjson' || !/[\uD800-\uDFFF]/.test(c))) {
            const bad = { ...VALID[name], [field]: withCharacter(VALID[name]![field], ch) }
            // In a batch the bad row follows a valid one: all or nothing, so neither is written.
            const rows = route.batch ? [VALID[name]!, bad] : [bad]
            const want = route.batch ? `[1].${field}` : field
            const { status, body } = await send(route.method, route.path, encode(rows, format, route.batch), format)
            sent++
            const paths = (body?.data?.issues ?? []).map((i: any) => i.path)
            if (status !== 400 || !paths.includes(want)) wrong.push(`${name}.${field} U+${ch.codePointAt(0)!.toString(16)} ${format}: ${status} ${JSON.stringify(body).slice(0, 200)}`)
          }
        }
      }
    }
    expect(wrong).toEqual([])
    expect(sent).toBeGreaterThan(500)
    expect(counts()).toEqual(before)
    expect(claimOne()).toEqual(claim)
  }, 120_000)
})

describe('claims metrics by payer', () => {
  const metricsByPayer = async () => {
    const res = await fetch('/api/v1/claims/metrics?groupBy=payer&from=2026-01-01&to=2026-01-31', auth(portal.keys.viewer))
    expect(res.status).toBe(200)
    return (await res.json() as { series: { key: string, claims: number }[] }).series
  }
  const storedPayers = () => db.prepare(`SELECT DISTINCT payer FROM claims WHERE date_of_service BETWEEN '2026-01-01' AND '2026-01-31' ORDER BY payer`).pluck().all()

  it('never show a payer other than one stored, whole: "Acme\\u0000Health" is refused, "Acme" and "Acme Health" stay apart', async () => {
    for (const payer of ['Acme\u0000Health', 'Acme\u0085Health', 'Acme\u202EHealth', 'Acme\nHealth']) {
      for (const format of ['json', 'ndjson', 'csv'] as const) {
        const res = await send('POST', '/api/v1/claims', encode([{ ...VALID.ClaimInput, sourceId: 'acme-0', payer }], format, true), format)
        expect(res.status, `${JSON.stringify(payer)} ${format}`).toBe(400)
        expect(res.body.data.issues, `${JSON.stringify(payer)} ${format}`).toEqual([{ path: '[0].payer', message: expect.stringMatching(/control characters/) }])
      }
    }
    expect((await metricsByPayer()).filter(s => s.key.startsWith('Acme'))).toEqual([])

    const ok = await send('POST', '/api/v1/claims', encode([{ ...VALID.ClaimInput, sourceId: 'acme-1', payer: 'Acme' }, { ...VALID.ClaimInput, sourceId: 'acme-2', payer: 'Acme Health' }], 'json', true), 'json')
    expect(ok.body).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    const series = await metricsByPayer()
    expect(series.filter(s => s.key.startsWith('Acme')).map(s => [s.key, s.claims])).toEqual([['Acme', 1], ['Acme Health', 1]])
    expect(series.map(s => s.key).sort()).toEqual(storedPayers())
  })
})

describe('the future', () => {
  const DAY_MS = 86_400_000
  const iso = (ms: number) => new Date(ms).toISOString()
  const BATCHES = [
    { path: '/api/v1/claims', row: VALID.ClaimInput!, formats: ['json', 'ndjson', 'csv'] as Format[] },
    { path: '/api/v1/health-data', row: VALID.HealthPointInput!, formats: ['json', 'ndjson'] as Format[] },
    { path: '/api/v1/supplement-intakes', row: VALID.IntakeInput!, formats: ['json', 'ndjson'] as Format[] },
  ]

  it('a day of service after today (UTC) or an instant over five minutes ahead is a 400 naming it, in every format, writing nothing', async () => {
    const before = counts()
    const tomorrow = utcDay(Date.now() + DAY_MS)
    const cases = [
      { path: '/api/v1/claims', field: 'dateOfService', value: tomorrow },
      { path: '/api/v1/claims', field: 'submittedAt', value: iso(Date.now() + 10 * 60_000) },
      { path: '/api/v1/health-data', field: 'at', value: iso(Date.now() + 10 * 60_000) },
      { path: '/api/v1/supplement-intakes', field: 'takenAt', value: iso(Date.now() + 10 * 60_000) },
      { path: '/api/v1/supplement-intakes', field: 'takenAt', value: '2999-01-01T00:00:00Z' },
    ]
    for (const c of cases) {
      const batch = BATCHES.find(b => b.path === c.path)!
      for (const format of batch.formats) {
        const res = await send('POST', c.path, encode([batch.row, { ...batch.row, [c.field]: c.value }], format, true), format)
        expect(res.status, `${c.field} ${format}`).toBe(400)
        expect(res.body.data.issues, `${c.field} ${format}`).toEqual([{ path: `[1].${c.field}`, message: expect.stringMatching(/must not be (after today|in the future)/) }])
      }
    }
    expect(counts()).toEqual(before)
  })

  it('today and an instant a minute ahead (clock skew) are accepted', async () => {
    const now = Date.now()
    const claim = await send('POST', '/api/v1/claims', encode([{ ...VALID.ClaimInput, sourceId: 'today', dateOfService: utcDay(now), submittedAt: iso(now + 60_000) }], 'json', true), 'json')
    expect(claim.body).toEqual({ inserted: 1, updated: 0, unchanged: 0 })
    const point = await send('POST', '/api/v1/health-data', encode([{ ...VALID.HealthPointInput, at: iso(now + 60_000) }], 'json', true), 'json')
    expect(point.body).toEqual({ inserted: 1, updated: 0, unchanged: 0 })
    const intake = await send('POST', '/api/v1/supplement-intakes', encode([{ ...VALID.IntakeInput, takenAt: iso(now + 60_000) }], 'json', true), 'json')
    expect(intake.body).toEqual({ inserted: 1, updated: 0, unchanged: 0 })
  })
})

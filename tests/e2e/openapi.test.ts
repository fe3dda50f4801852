// The served OpenAPI document tells the truth: it is valid OpenAPI 3.1, it describes every route
// file on disk, and real answers of every route (and some refusals) have a documented status,
// a documented media type and a body valid against the documented schema. A route that answers
// otherwise fails here, so the document cannot drift from the code.
import { writeFileSync } from 'node:fs'
import { validate as validateOpenApi } from '@readme/openapi-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { beforeAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'
import { ROUTES } from './sweep.ts'

const portal = await usePortal({ seed: { claims: 400, people: 2, days: 90 } })

interface Operation { responses: Record<string, { content?: Record<string, { schema: object }> }> }
interface Document { openapi: string, paths: Record<string, Record<string, Operation>> }

interface Answer { method: string, template: string, status: number, type: string, text: string }
const answers: Answer[] = []

const ADMIN = auth(portal.keys.admin).headers
const JSON_TYPE = { 'content-type': 'application/json' }

/** Sends one request and keeps its answer under the route template it exercises. */
async function call(method: string, template: string, path: string, init: { headers?: Record<string, string>, body?: string } = {}): Promise<{ status: number, json: any, headers: Headers }> {
  const res = await fetch(path, { method, headers: { ...ADMIN, ...init.headers }, body: init.body, redirect: 'manual' })
  const text = await res.text()
  answers.push({ method, template, status: res.status, type: res.headers.get('content-type') ?? '', text })
  let json: any
  try { json = JSON.parse(text) }
  catch { json = undefined }
  return { status: res.status, json, headers: res.headers }
}

const sessionCookie = (headers: Headers) => headers.getSetCookie().find(c => c.startsWith('nuxt-session='))!.split(';')[0]!

async function exerciseEveryRoute(): Promise<void> {
  // Sign-in, users and keys.
  const user = await call('POST', '/api/v1/admin/users', '/api/v1/admin/users', { headers: JSON_TYPE, body: JSON.stringify({ email: 'contract@example.com', password: 'contract-password-1', role: 'viewer' }) })
  const userId = user.json.id as number
  const login = await call('POST', '/api/auth/login', '/api/auth/login', { headers: { authorization: '', ...JSON_TYPE }, body: JSON.stringify({ email: 'contract@example.com', password: 'contract-password-1' }) })
  let cookie = sessionCookie(login.headers)
  await call('GET', '/api/auth/session', '/api/auth/session', { headers: { authorization: '', cookie } })
  const changed = await call('POST', '/api/auth/password', '/api/auth/password', { headers: { authorization: '', cookie, ...JSON_TYPE }, body: JSON.stringify({ currentPassword: 'contract-password-1', newPassword: 'contract-password-2' }) })
  cookie = sessionCookie(changed.headers)
  await call('GET', '/api/v1/claims', '/api/v1/claims?limit=2', { headers: { authorization: '', cookie } })
  await call('POST', '/api/auth/logout', '/api/auth/logout', { headers: { authorization: '', cookie } })
  await call('GET', '/api/auth/session', '/api/auth/session', { headers: { authorization: '', cookie } })
  await call('GET', '/api/v1/admin/users', '/api/v1/admin/users')
  await call('PUT', '/api/v1/admin/users/{id}/password', `/api/v1/admin/users/${userId}/password`, { headers: JSON_TYPE, body: JSON.stringify({ password: 'contract-password-3' }) })
  await call('DELETE', '/api/v1/admin/users/{id}', `/api/v1/admin/users/${userId}`)
  await call('DELETE', '/api/v1/admin/users/{id}', `/api/v1/admin/users/${userId}`)
  await call('POST', '/api/v1/admin/users', '/api/v1/admin/users', { headers: JSON_TYPE, body: JSON.stringify({ email: 'CONTRACT@example.com', password: 'contract-password-1', role: 'viewer' }) })
  const key = await call('POST', '/api/v1/admin/keys', '/api/v1/admin/keys', { headers: JSON_TYPE, body: JSON.stringify({ name: 'contract', role: 'viewer' }) })
  await call('GET', '/api/v1/admin/keys', '/api/v1/admin/keys')
  await call('DELETE', '/api/v1/admin/keys/{id}', `/api/v1/admin/keys/${key.json.id}`)
  await call('DELETE', '/api/v1/admin/keys/{id}', `/api/v1/admin/keys/${key.json.id}`)

  // Claims and providers.
  const providers = await call('GET', '/api/v1/providers', '/api/v1/providers?limit=3&count=true')
  const providerId = providers.json.data[0].id as number
  await call('GET', '/api/v1/providers', `/api/v1/providers?limit=3&cursor=${providers.json.page.nextCursor}`)
  await call('GET', '/api/v1/providers/{id}', `/api/v1/providers/${providerId}`)
  await call('GET', '/api/v1/providers/{id}', '/api/v1/providers/999999999')
  const list = await call('GET', '/api/v1/claims', '/api/v1/claims?status=submitted&limit=5&count=true')
  const claimId = list.json.data[0].id as number
  await call('GET', '/api/v1/claims', '/api/v1/claims?status=denied&status=appealed&sort=-billedCents&limit=1000')
  await call('GET', '/api/v1/claims', '/api/v1/claims?limit=0')
  await call('GET', '/api/v1/claims', '/api/v1/claims?patientRef=x')
  await call('GET', '/api/v1/claims/export', '/api/v1/claims/export?status=denied&format=csv')
  await call('GET', '/api/v1/claims/export', '/api/v1/claims/export?status=denied&format=ndjson')
  await call('GET', '/api/v1/claims/export', '/api/v1/claims/export?format=xml')
  await call('GET', '/api/v1/claims/{id}', `/api/v1/claims/${claimId}`)
  await call('GET', '/api/v1/claims/{id}', '/api/v1/claims/999999999')
  await call('GET', '/api/v1/claims/{id}', '/api/v1/claims/abc')
  await call('PATCH', '/api/v1/claims/{id}', `/api/v1/claims/${claimId}`, { headers: JSON_TYPE, body: JSON.stringify({ status: 'pending' }) })
  await call('PATCH', '/api/v1/claims/{id}', `/api/v1/claims/${claimId}`, { headers: JSON_TYPE, body: JSON.stringify({ status: 'submitted' }) })
  const claim = { source: 'contract', sourceId: 'c-1', providerId, payer: 'Aetna', patientRef: 'PT-1', cptCode: '99213', dateOfService: '2026-01-05', submittedAt: '2026-01-06T10:00:00Z', status: 'denied', denialReason: 'CO-16', billedCents: 12_000, paidCents: 0 }
  await call('POST', '/api/v1/claims', '/api/v1/claims', { headers: JSON_TYPE, body: JSON.stringify([claim]) })
  await call('POST', '/api/v1/claims', '/api/v1/claims', { headers: { 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ ...claim, sourceId: 'c-2' })}\n` })
  const columns = Object.keys(claim) as (keyof typeof claim)[]
  await call('POST', '/api/v1/claims', '/api/v1/claims', { headers: { 'content-type': 'text/csv' }, body: `${columns.join(',')}\n${columns.map(c => c === 'sourceId' ? 'c-3' : claim[c]).join(',')}\n` })
  await call('POST', '/api/v1/claims', '/api/v1/claims', { headers: JSON_TYPE, body: JSON.stringify([{ ...claim, billedCents: -1 }]) })
  await call('POST', '/api/v1/claims', '/api/v1/claims', { headers: { 'content-type': 'text/plain' }, body: 'x' })
  await call('GET', '/api/v1/claims/metrics', '/api/v1/claims/metrics')
  await call('GET', '/api/v1/claims/metrics', '/api/v1/claims/metrics?groupBy=provider&from=2026-01-01&to=2026-06-30')
  await call('GET', '/api/v1/claims/metrics', '/api/v1/claims/metrics?groupBy=hour')
  await call('GET', '/api/v1/claims/denial-patterns', '/api/v1/claims/denial-patterns?from=2025-01-01&to=2026-06-30&minCount=1')

  // Health data, supplements, correlations and insights.
  const people = await call('GET', '/api/v1/people', '/api/v1/people?count=true')
  const personId = people.json.data[0].personId as string
  await call('GET', '/api/v1/health-data', `/api/v1/health-data?personId=${personId}&limit=5`)
  await call('GET', '/api/v1/health-data', `/api/v1/health-data?personId=${personId}&metric=steps&from=2026-05-01&to=2026-06-30`)
  await call('GET', '/api/v1/health-data', '/api/v1/health-data?personId=nobody')
  await call('GET', '/api/v1/health-data', '/api/v1/health-data')
  await call('GET', '/api/v1/health-data/summary', `/api/v1/health-data/summary?personId=${personId}&metric=steps&bucket=week`)
  await call('GET', '/api/v1/health-data/summary', '/api/v1/health-data/summary?personId=nobody&metric=steps')
  const point = { personId, metric: 'steps', value: 8000, at: '2026-06-01T08:00:00Z', source: 'contract' }
  await call('POST', '/api/v1/health-data', '/api/v1/health-data', { headers: JSON_TYPE, body: JSON.stringify([point]) })
  await call('POST', '/api/v1/health-data', '/api/v1/health-data', { headers: { 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ ...point, value: 9000 })}\n` })
  await call('POST', '/api/v1/health-data', '/api/v1/health-data', { headers: JSON_TYPE, body: JSON.stringify([{ ...point, value: 900, metric: 'resting_heart_rate' }]) })
  const supplements = await call('GET', '/api/v1/supplements', '/api/v1/supplements')
  const supplement = supplements.json.data[0]
  const intake = { personId, supplementId: supplement.id, takenAt: '2026-06-01T21:00:00Z', dose: 1, unit: supplement.defaultUnit }
  await call('POST', '/api/v1/supplement-intakes', '/api/v1/supplement-intakes', { headers: JSON_TYPE, body: JSON.stringify([intake]) })
  await call('POST', '/api/v1/supplement-intakes', '/api/v1/supplement-intakes', { headers: { 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ ...intake, dose: 2 })}\n` })
  const job = await call('POST', '/api/v1/correlations/recompute', '/api/v1/correlations/recompute', { headers: JSON_TYPE, body: '{}' })
  await call('POST', '/api/v1/correlations/recompute', '/api/v1/correlations/recompute', { headers: JSON_TYPE, body: JSON.stringify({ personId: 'nobody' }) })
  for (let i = 0; i < 100; i++) {
    const state = await call('GET', '/api/v1/jobs/{id}', `/api/v1/jobs/${job.json.jobId}`)
    if (state.json.status === 'succeeded' || state.json.status === 'failed') break
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  await call('GET', '/api/v1/jobs/{id}', `/api/v1/jobs/${job.json.jobId}`, auth(portal.keys.viewer))
  await call('GET', '/api/v1/jobs/{id}', '/api/v1/jobs/999999999')
  const correlations = await call('GET', '/api/v1/correlations', `/api/v1/correlations?personId=${personId}&count=true`)
  await call('GET', '/api/v1/correlations', '/api/v1/correlations?significant=true&minAbsR=0.1')
  await call('GET', '/api/v1/correlations/{id}', `/api/v1/correlations/${correlations.json.data[0].id}`)
  await call('GET', '/api/v1/correlations/{id}', '/api/v1/correlations/999999999')
  await call('GET', '/api/v1/insights', `/api/v1/insights?personId=${personId}`)

  // Operations.
  for (const path of ['alerts', 'audit', 'audit?actor=anonymous&from=2026-01-01', 'cache/stats', 'health', 'indexes', 'jobs', 'jobs?status=succeeded', 'queries', 'routes', 'routes?window=1h&history=true'])
    await call('GET', `/api/v1/admin/${path.split('?')[0]}`, `/api/v1/admin/${path}`)
  const backup = await call('POST', '/api/v1/admin/backup', '/api/v1/admin/backup')
  for (let i = 0; i < 100; i++) {
    const state = await call('GET', '/api/v1/jobs/{id}', `/api/v1/jobs/${backup.json.jobId}`)
    if (state.json.status === 'succeeded' || state.json.status === 'failed') break
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  await call('GET', '/api/v1/admin/backups', '/api/v1/admin/backups?limit=1')
  await call('GET', '/api/v1/admin/backups', '/api/v1/admin/backups?limit=0')
  await call('DELETE', '/api/v1/admin/cache', '/api/v1/admin/cache?namespace=claims:list')
  await call('DELETE', '/api/v1/admin/cache', '/api/v1/admin/cache')
  await call('DELETE', '/api/v1/admin/cache', '/api/v1/admin/cache?namespace=nope')
  await call('GET', '/api/v1/openapi.json', '/api/v1/openapi.json')
  await call('GET', '/healthz', '/healthz')
  await call('GET', '/readyz', '/readyz')
  await call('GET', '/metrics', '/metrics')

  // Refusals before any route runs.
  await call('GET', '/api/v1/claims', '/api/v1/claims', { headers: { authorization: '' } })
  await call('GET', '/api/v1/claims', '/api/v1/claims', { headers: { authorization: 'Bearer ap_not-a-key' } })
  await call('GET', '/api/v1/admin/health', '/api/v1/admin/health', auth(portal.keys.viewer))
  await call('POST', '/api/v1/claims', '/api/v1/claims', { ...auth(portal.keys.viewer), body: '[]' })
  await call('GET', '/api/v1/openapi.json', '/api/v1/openapi.json', { headers: { authorization: '' } })
}

let doc: Document
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)

beforeAll(async () => {
  const res = await fetch('/api/v1/openapi.json', auth(portal.keys.viewer))
  expect(res.status).toBe(200)
  doc = await res.json()
  // Schemas are compiled from the document itself, so a `$ref` into components resolves.
  ajv.addSchema(doc, 'openapi.json')
  await exerciseEveryRoute()
  if (process.env.CONTRACT_DUMP) writeFileSync(process.env.CONTRACT_DUMP, JSON.stringify(answers, null, 1))
}, 120_000)

const pointer = (...parts: string[]) => parts.map(p => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

function responseCheck(template: string, method: string, status: string) {
  return ajv.getSchema(`openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema')}`)!
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./)
    const result = await validateOpenApi(structuredClone(doc) as never)
    expect(result.valid ? [] : result.errors).toEqual([])
  })

  it('describes every route file on disk, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter(k => k !== 'parameters').map(m => `${m.toUpperCase()} ${path}`))
    expect(documented.sort()).toEqual(ROUTES.map(r => `${r.method} ${r.path}`).sort())
  })

  it('documents exactly the query parameters each route takes', async () => {
    // A parameter a route does not take is a 400 that lists those it does take (query-params.ts):
    // what the route parses with, compared with what the document says.
    const mismatches: string[] = []
    for (const r of ROUTES) {
      const res = await fetch(`${r.path.replace('{id}', '1')}?not-a-parameter=1`, { method: r.method, headers: ADMIN })
      const issue = (await res.json()).data?.issues?.find((i: { path: string }) => i.path === 'not-a-parameter')
      const takes = /it takes (.*)\)$/.exec(issue?.message ?? '')?.[1]
      const parsed = takes === undefined ? ['(no 400)'] : takes === 'none' ? [] : takes.split(', ')
      const operation = doc.paths[r.path]?.[r.method.toLowerCase()] as { parameters?: { in: string, name: string }[] } | undefined
      const documented = (operation?.parameters ?? []).filter(p => p.in === 'query').map(p => p.name)
      if (parsed.sort().join() !== documented.sort().join()) mismatches.push(`${r.method} ${r.path}: takes ${parsed.join(', ')}; documented ${documented.join(', ')}`)
    }
    expect(mismatches).toEqual([])
  })

  it('every route on disk was exercised here', () => {
    const exercised = new Set(answers.filter(a => a.status < 400).map(a => `${a.method} ${a.template}`))
    expect(ROUTES.map(r => `${r.method} ${r.path}`).filter(r => !exercised.has(r))).toEqual([])
    for (const status of [400, 401, 403, 404, 409, 415]) expect(answers.some(a => a.status === status), `an answer ${status}`).toBe(true)
  })

  it('its response schemas refuse a body that differs from them', () => {
    const answer = answers.find(a => a.method === 'GET' && a.template === '/api/v1/claims/{id}' && a.status === 200)!
    const check = responseCheck(answer.template, answer.method, '200')
    const claim = JSON.parse(answer.text)
    expect(check(claim)).toBe(true)
    expect(check({ ...claim, status: 'lost' })).toBe(false)
    expect(check({ ...claim, ssn: '123' })).toBe(false)
    expect(check({ ...claim, provider: undefined })).toBe(false)
    expect(check({ ...claim, submittedAt: '2026-06-30' })).toBe(false)
    const error = answers.find(a => a.status === 400)!
    expect(responseCheck(error.template, error.method, '400')({ statusCode: 400, message: 'x' })).toBe(false)
  })

  it('every answer has a documented status, media type and a body valid against its schema', () => {
    const problems: string[] = []
    for (const a of answers) {
      const where = `${a.method} ${a.template} → ${a.status}`
      const operation = doc.paths[a.template]?.[a.method.toLowerCase()]
      if (!operation) { problems.push(`${where}: not documented`); continue }
      const status = operation.responses[String(a.status)] ? String(a.status) : undefined
      if (!status) { problems.push(`${where}: status not documented (${Object.keys(operation.responses).join(', ')})`); continue }
      const content = operation.responses[status]!.content ?? {}
      const mediaType = a.type.split(';')[0]!.trim()
      if (!Object.keys(content).length) { if (a.text) problems.push(`${where}: a body where none is documented`); continue }
      if (!content[mediaType]) { problems.push(`${where}: media type ${mediaType} not documented (${Object.keys(content).join(', ')})`); continue }
      if (mediaType !== 'application/json') continue
      const check = responseCheck(a.template, a.method, status)
      if (!check(JSON.parse(a.text))) problems.push(`${where}: ${ajv.errorsText(check.errors, { separator: '; ' })} in ${a.text.slice(0, 300)}`)
    }
    expect(problems).toEqual([])
  })
})

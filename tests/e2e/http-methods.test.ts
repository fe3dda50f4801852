// HTTP as clients expect it: every GET route on disk answers HEAD with the GET's status and headers
// and no body; every method a route file does not serve is a 405 with the right Allow, after auth;
// unknown paths stay 404; /metrics passes promtool's rules (and promtool, when the machine has it).
import { spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import Database from 'better-sqlite3'
import { url } from '@nuxt/test-utils/e2e'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lintMetrics } from '../prometheus-lint.ts'
import { usePortal } from './portal.ts'
import { pool, ROUTES, type Route } from './sweep.ts'

const portal = await usePortal({ seed: { claims: 300, people: 2, days: 60 }, env: { NUXT_JOB_SCHEDULE: 'off' } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())
const agent = new Agent({ keepAlive: true, maxSockets: 8 })
afterAll(() => agent.destroy())
let base: URL

const ADMIN = () => ({ authorization: `Bearer ${portal.keys.admin}` })
// Routes a module registers (nuxt-auth-utils), which are not files of ours.
const MODULE_ROUTES: Route[] = [
  { method: 'GET', path: '/api/_auth/session', file: '(nuxt-auth-utils)' },
  { method: 'DELETE', path: '/api/_auth/session', file: '(nuxt-auth-utils)' },
]
const ALL = [...ROUTES, ...MODULE_ROUTES]

interface Answer { status: number, headers: IncomingHttpHeaders, body: string }

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A HEAD over a bare socket, so that any byte sent after the headers is seen (Node's client would skip them). */
function rawHead(path: string, headers: Record<string, string>): Promise<{ status: number, headers: Record<string, string>, after: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname)
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('end', () => {
      const all = Buffer.concat(chunks)
      const split = all.indexOf('\r\n\r\n')
      const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n')
      const parsed: Record<string, string> = {}
      for (const l of lines) { const i = l.indexOf(':'); parsed[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim() }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers: parsed, after: all.length - split - 4 })
    })
    socket.write(`HEAD ${path} HTTP/1.1\r\nHost: ${base.host}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`)
  })
}

const ids = { claim: 0, job: 0, correlation: 0, key: 0, user: 0 }
const QUERY: Record<string, string> = {
  '/api/v1/health-data': 'personId=P00001',
  '/api/v1/health-data/summary': 'personId=P00001&metric=steps',
  '/api/v1/insights': 'personId=P00001',
}
function target(r: Route): string {
  const id = r.path.includes('/keys/') ? ids.key : r.path.includes('/users/') ? ids.user : r.path.includes('/jobs/') ? ids.job : r.path.includes('/claims/') ? ids.claim : r.path.includes('/correlations/') ? ids.correlation : 1
  const path = r.path.replace('{id}', String(id))
  return QUERY[r.path] ? `${path}?${QUERY[r.path]}` : path
}

/** Headers that differ between two answers to the same request by nature. */
const PER_ANSWER = new Set(['date', 'x-request-id', 'server-timing', 'ratelimit-reset', 'ratelimit-remaining', 'connection', 'keep-alive', 'transfer-encoding', 'content-security-policy'])
// A sealed session cookie is sealed afresh each time, expiring from that second: its name and
// other attributes must match.
const comparable = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !PER_ANSWER.has(k) && k !== 'content-length')
  .map(([k, v]) => [k, k === 'set-cookie' ? String(v).replace(/=[^;]*/, '=…').replace(/Expires=[^;]*/i, 'Expires=…') : String(v)]))
/** Only a page's nonce differs between two answers' Content-Security-Policy. */
const csp = (v: unknown) => String(v ?? '').replace(/'nonce-[^']+'/g, "'nonce'")

beforeAll(async () => {
  base = new URL(url('/'))
  const job = await send('POST', '/api/v1/correlations/recompute', { ...ADMIN(), 'content-type': 'application/json' })
  ids.job = JSON.parse(job.body).jobId
  for (let i = 0; i < 200 && (db.prepare(`SELECT count(*) AS n FROM job_runs WHERE status IN ('queued', 'running')`).get() as { n: number }).n > 0; i++) await new Promise(r => setTimeout(r, 100))
  ids.claim = (db.prepare('SELECT id FROM claims LIMIT 1').get() as { id: number }).id
  ids.correlation = (db.prepare('SELECT id FROM correlations LIMIT 1').get() as { id: number }).id
  ids.key = (db.prepare('SELECT id FROM api_keys LIMIT 1').get() as { id: number }).id
  ids.user = (db.prepare('SELECT id FROM users LIMIT 1').get() as { id: number }).id
}, 60_000)

describe('HEAD', () => {
  const gets = ALL.filter(r => r.method === 'GET')

  it('answers every GET route on disk with the GET\'s status and headers, and no body', async () => {
    expect(gets.map(r => r.path)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/api/v1/claims', '/api/v1/claims/{id}', '/api/v1/admin/health']))
    const audits = () => (db.prepare(`SELECT count(*) AS n FROM audit_log`).get() as { n: number }).n
    const before = audits()
    const results = await pool(gets.map(r => async () => {
      const path = target(r)
      await send('GET', path, ADMIN()) // so that the GET and the HEAD below both find it cached
      const get = await send('GET', path, ADMIN())
      const head = await rawHead(path, ADMIN())
      return { route: `${r.method} ${r.path}`, path, get, head }
    }), 4)
    for (const { route, get, head } of results) {
      // The session routes answer 401 to a key: they are the dashboard's, for a signed-in user.
      if (!/_?auth\/session$/.test(route)) expect(get.status, `${route}: ${get.body.slice(0, 200)}`).toBeLessThan(400)
      expect(head.status, route).toBe(get.status)
      expect(head.after, `${route}: bytes after a HEAD's headers`).toBe(0)
      expect(comparable(head.headers), route).toEqual(comparable(get.headers as Record<string, unknown>))
      expect(csp(head.headers['content-security-policy']), route).toBe(csp(get.headers['content-security-policy']))
      // The GET's length, where the body is the same each time (a cached answer, with its ETag).
      if (get.headers.etag) expect(head.headers['content-length'], route).toBe(String(Buffer.byteLength(get.body)))
      if (get.headers['content-length']) expect(head.headers['content-length'], `${route}: Content-Length`).toBeDefined()
    }
    await new Promise(r => setTimeout(r, 1500)) // reads' audit rows are flushed within a second
    // The GETs of one person's records were audited; the HEADs (as many) wrote nothing.
    const personal = results.filter(x => /claims\/\{id\}|claims\/export|correlations|insights|health-data/.test(x.route)).length
    expect(audits() - before).toBe(personal * 2)
  }, 120_000)

  it('answers pages, probes and errors as their GET does', async () => {
    for (const [path, headers] of [['/login', {}], ['/healthz', {}], ['/api/v1/claims/999999', ADMIN()], ['/api/v1/claims', {}], ['/api/v1/nothing-here', ADMIN()]] as const) {
      const get = await send('GET', path, headers)
      const head = await rawHead(path, headers)
      expect(head.status, path).toBe(get.status)
      expect(head.after, path).toBe(0)
      expect(head.headers['content-type'], path).toBe(get.headers['content-type'])
      expect(head.headers['content-length'], path).toBe(get.headers['content-length'])
    }
  })

  it('is counted as HEAD in the route statistics and /metrics', async () => {
    await rawHead('/api/v1/providers', ADMIN())
    const routes = JSON.parse((await send('GET', '/api/v1/admin/routes?window=5m', ADMIN())).body).routes as { method: string, route: string, count: number }[]
    expect(routes.find(r => r.method === 'HEAD' && r.route === '/api/v1/providers')?.count).toBeGreaterThanOrEqual(2)
    const metrics = (await send('GET', '/metrics', ADMIN())).body
    expect(metrics).toMatch(/http_requests_total\{method="HEAD",route="\/api\/v1\/providers",status="200"\} [2-9]/)
  })
})

describe('405 Method Not Allowed', () => {
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
  const byPath = new Map<string, Set<string>>()
  for (const r of ALL) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method))
  /** Written from the files on disk: their methods, and HEAD where GET is (CORS is off here: no OPTIONS). */
  const allowOf = (methods: Set<string>) => new Set([...methods, ...(methods.has('GET') ? ['HEAD'] : [])])

  it('answers every method a route file does not serve with 405, the h3 error shape and the methods it does in Allow', async () => {
    const cases = [...byPath].flatMap(([path, methods]) => METHODS.filter(m => !allowOf(methods).has(m)).map(method => ({ path, method, allow: allowOf(methods) })))
    expect(cases.length).toBeGreaterThan(100)
    const results = await pool(cases.map(c => async () => ({ ...c, answer: await send(c.method, target({ method: c.method, path: c.path, file: '' }), ADMIN()) })))
    for (const { path, method, allow, answer } of results) {
      const label = `${method} ${path}`
      expect(answer.status, `${label}: ${answer.body.slice(0, 200)}`).toBe(405)
      expect(new Set(String(answer.headers.allow).split(', ')), label).toEqual(allow)
      expect(answer.headers['content-type'], label).toMatch(/^application\/json/)
      // A HEAD's 405 has its headers and no body.
      if (method !== 'HEAD') expect(JSON.parse(answer.body), label).toEqual({ statusCode: 405, statusMessage: 'Method Not Allowed', message: expect.stringContaining(method) })
    }
  }, 120_000)

  it('comes after auth: without the role a method needs, a served path and an unknown one answer alike', async () => {
    for (const who of [{}, { authorization: `Bearer ${portal.keys.viewer}` }] as Record<string, string>[]) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const served = await send(method, '/api/v1/claims/metrics', who)
        const unknown = await send(method, '/api/v1/no-such-route', who)
        expect([served.status, served.headers.allow], method).toEqual([unknown.status, undefined])
        expect(JSON.parse(served.body).message).toBe(JSON.parse(unknown.body).message)
        expect([401, 403]).toContain(served.status)
      }
    }
    // The operator may POST: to a GET-only path that is a 405, to an unknown one a 404.
    const operator = { authorization: `Bearer ${portal.keys.operator}` }
    expect((await send('POST', '/api/v1/claims/metrics', operator)).status).toBe(405)
    expect((await send('POST', '/api/v1/no-such-route', operator)).status).toBe(404)
  })

  it('leaves unknown paths a 404, for any method', async () => {
    for (const method of METHODS.filter(m => m !== 'OPTIONS')) {
      expect((await send(method, '/api/v1/no-such-route', ADMIN())).status, method).toBe(404)
      expect((await send(method, '/no-such-page', ADMIN())).status, method).toBe(404)
    }
  })
})

describe('GET /metrics', () => {
  it('passes promtool\'s rules, and promtool itself when the machine has it', async () => {
    const { status, body } = await send('GET', '/metrics', ADMIN())
    expect(status).toBe(200)
    expect(body).toContain('http_request_duration_seconds_bucket{le="+Inf"')
    expect(body).toContain('db_query_duration_seconds_count{')
    expect(lintMetrics(body)).toEqual([])
    if (spawnSync('promtool', ['--version']).status === 0) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' })
      expect(`${check.stdout}${check.stderr}`).toBe('')
      expect(check.status).toBe(0)
    }
  })
})

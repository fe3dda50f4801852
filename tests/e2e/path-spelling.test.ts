// Path spellings: every route file on disk, sent under every other spelling of its path a client can
// put on the wire (percent-encoded characters, encoded slashes, double encoding, dot segments,
// doubled and trailing slashes, case, `;` parameters, backslashes, absolute-form targets), anonymous
// and with each role by key and by session. The property under test: no spelling is served or
// written that the canonical path would refuse to the same caller. The design that gives it: every
// non-canonical spelling is refused at the edge (a 400 on `path`), before auth or routing.
// Requests go out through node:http with the target exactly as written: fetch would normalise it.
import { createHash } from 'node:crypto'
import { Agent, request } from 'node:http'
import Database from 'better-sqlite3'
import { url } from '@nuxt/test-utils/e2e'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usePortal } from './portal.ts'
import { pool, ROUTES, type Route } from './sweep.ts'

const ADMIN = { email: 'root@example.com', password: 'spelling-admin-password-1' }
const VIEWER = { email: 'viewer@example.com', password: 'spelling-viewer-password-1' }
const portal = await usePortal({
  seed: { claims: 300, people: 2, days: 30 },
  env: {
    NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    NUXT_SESSION_PASSWORD: 'spelling-session-password-0123456789-abcdef',
    NUXT_JOB_SCHEDULE: 'off',
  },
})
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

// Routes that modules register (nuxt-auth-utils), which are not files of ours.
const MODULE_ROUTES: Route[] = [
  { method: 'GET', path: '/api/_auth/session', file: '(nuxt-auth-utils)' },
  { method: 'DELETE', path: '/api/_auth/session', file: '(nuxt-auth-utils)' },
]
const ALL = [...ROUTES, ...MODULE_ROUTES]

type Role = 'viewer' | 'operator' | 'admin'
/** The role each route needs, written from the contract (API.md "Roles"), not from the code under test. */
function needs(r: Route): Role | undefined {
  if (r.path === '/metrics' || r.path.startsWith('/api/v1/admin')) return 'admin'
  if (!r.path.startsWith('/api/v1')) return undefined
  return r.method === 'GET' ? 'viewer' : 'operator'
}
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

interface Caller { name: string, role?: Role, headers: Record<string, string> }
let callers: Caller[] = []
const allows = (c: Caller, r: Route) => { const n = needs(r); return !n || (c.role !== undefined && RANK[c.role] >= RANK[n]) }

const agent = new Agent({ keepAlive: true, maxSockets: 8 })
afterAll(() => agent.destroy())
/** The server's address: known once the setup's beforeAll has started it. */
let base: URL

interface Answer { status: number, type: string, body: any, label: string, cookies: string[] }

/** One request with `target` on the request line exactly as given. */
function send(method: string, target: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method, path: target, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk })
      res.on('end', () => {
        let parsed: any = text
        try { parsed = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), body: parsed, label: `${method} ${target}`, cookies: res.headers['set-cookie'] ?? [] })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const hex = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')
const utf8 = (c: string) => [...Buffer.from(c)].map(b => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')

/** Every other spelling of `path` that a lenient decoder or router could take for it. */
function spellings(path: string): string[] {
  const out = new Set<string>()
  const at = (i: number, s: string, drop = 1) => path.slice(0, i) + s + path.slice(i + drop)
  const slashes = [...path].flatMap((c, i) => c === '/' ? [i] : [])
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!
    out.add(at(i, hex(c)))
    out.add(at(i, hex(c).toLowerCase()))
    if (c !== '/') out.add(at(i, '%25' + hex(c).slice(1))) // double encoding
    if (/[a-z]/.test(c)) out.add(at(i, utf8(String.fromCharCode(c.charCodeAt(0) + 0xFEE0)))) // fullwidth letter
  }
  out.add('/' + [...path.slice(1)].map(c => c === '/' ? '/' : hex(c)).join(''))
  const segments = path.slice(1).split('/')
  segments.forEach((s, i) => {
    const encoded = [...segments]; encoded[i] = [...s].map(hex).join('')
    out.add('/' + encoded.join('/'))
    const upper = [...segments]; upper[i] = s.charAt(0).toUpperCase() + s.slice(1)
    out.add('/' + upper.join('/'))
  })
  for (const i of slashes) {
    out.add(at(i, '//'))
    out.add(at(i, '/./'))
    out.add(at(i, '/%2e/'))
    out.add(at(i, '/x/../'))
    out.add(at(i, '/x/%2E%2E/'))
    out.add(at(i, '/%2e%2e/' + path.slice(1, i + 1), 1)) // climbs back to the same place
    if (i > 0) {
      out.add(at(i, '\\'))
      out.add(at(i, '%5C'))
      out.add(at(i, '%2F'))
      out.add(at(i, '%2f'))
      out.add(at(i, ';x=1/', 1))
      out.add(at(i, '%C0%AF')) // an overlong '/'
    }
  }
  for (const tail of ['/', '//', '/.', '/x/..', ';', ';jsessionid=1', '%00', '%20', '.', '#x', '%23x', '%3F', '/%2e', '\\']) out.add(path + tail)
  out.add(path.toUpperCase())
  out.add('/' + path)
  out.add(`http://${base.host}${path}`)
  out.add(`HTTP://${base.host.toUpperCase()}${path}`)
  out.delete(path)
  return [...out]
}

/** Refused before anything behind the edge ran: not served, not written, nothing revealed. */
function refusedAtEdge(a: Answer): boolean {
  if (a.status === 401 || a.status === 403) return true
  if (a.status === 400) return Array.isArray(a.body?.data?.issues) && a.body.data.issues.some((i: any) => i.path === 'path')
  // No route of ours matched (the spelling differs in case): the page renderer's not-found answer,
  // an HTML page, or JSON for a path under /api (middleware/auth.global.ts).
  return a.status === 404 && (a.type.startsWith('text/html') || String(a.body?.message).startsWith('No API route'))
}

const KEEP = { key: 0, user: 0, claim: 0, job: 0 }
const CLAIM = { source: 'spelling', sourceId: 's1', providerId: 1, payer: 'Aetna', patientRef: 'SPELL-REF-1', cptCode: '99213', dateOfService: '2026-01-05', submittedAt: '2026-01-06T00:00:00Z', status: 'submitted', denialReason: null, billedCents: 100, paidCents: 0 }
/** A body each write route would accept from a caller it allows, so that a bypass would really write. */
const BODIES: Record<string, () => unknown> = {
  'POST /api/auth/login': () => ADMIN,
  'POST /api/auth/logout': () => undefined,
  'POST /api/auth/password': () => ({ currentPassword: ADMIN.password, newPassword: 'intruder-password-1' }),
  'PUT /api/v1/admin/users/{id}/password': () => ({ password: 'intruder-password-1' }),
  'DELETE /api/_auth/session': () => undefined,
  'POST /api/v1/admin/backup': () => undefined,
  'DELETE /api/v1/admin/cache': () => undefined,
  'POST /api/v1/admin/keys': () => ({ name: 'spelling', role: 'admin' }),
  'DELETE /api/v1/admin/keys/{id}': () => undefined,
  'POST /api/v1/admin/users': () => ({ email: 'intruder@example.com', password: 'intruder-password-1', role: 'admin' }),
  'DELETE /api/v1/admin/users/{id}': () => undefined,
  'PATCH /api/v1/claims/{id}': () => ({ status: 'pending' }),
  'POST /api/v1/claims': () => [CLAIM],
  'POST /api/v1/correlations/recompute': () => ({}),
  'POST /api/v1/health-data': () => [{ personId: 'SPELL-PID-1', metric: 'steps', value: 100, at: '2026-01-05T08:00:00Z', source: 'spelling' }],
  'POST /api/v1/supplement-intakes': () => [{ personId: 'SPELL-PID-1', supplementId: 'magnesium', takenAt: '2026-01-05T08:00:00Z', dose: 1, unit: 'mg' }],
}
const bodyOf = (r: Route) => { const b = BODIES[`${r.method} ${r.path}`]!(); return b === undefined ? undefined : JSON.stringify(b) }

/** The concrete target of a route: an id that exists, and the query a person-scoped read needs. */
function target(r: Route): string {
  const id = r.path.includes('/keys/') ? KEEP.key : r.path.includes('/users/') ? KEEP.user : r.path.includes('/jobs/') ? KEEP.job : r.path.includes('/claims/') ? KEEP.claim : 1
  return r.path.replace('{id}', String(id))
}
const QUERY: Record<string, string> = {
  '/api/v1/health-data': 'personId=P00001',
  '/api/v1/health-data/summary': 'personId=P00001&metric=steps',
  '/api/v1/insights': 'personId=P00001',
}
const withQuery = (r: Route, path: string) => QUERY[r.path] && r.method === 'GET' ? `${path}?${QUERY[r.path]}` : path

/** What a write would change: the rows of every table a route writes, without advisory columns. */
function digest(): string {
  const rows = [
    'SELECT id, status, paid_cents, denial_reason FROM claims ORDER BY id',
    'SELECT count(*) FROM health_data_points', 'SELECT count(*) FROM supplement_intakes', 'SELECT count(*) FROM people',
    'SELECT id, name, role, revoked_at FROM api_keys ORDER BY id', 'SELECT id, email, role, password_hash, disabled_at FROM users ORDER BY id',
    'SELECT count(*) FROM job_runs', `SELECT count(*) FROM audit_log WHERE action NOT LIKE 'read.%'`,
  ].map(q => JSON.stringify(db.prepare(q).raw().all()))
  return createHash('sha256').update(rows.join('\n')).digest('hex')
}

async function signIn(who: { email: string, password: string }): Promise<string> {
  const res = await send('POST', '/api/auth/login', {}, JSON.stringify(who))
  expect(res.status, `sign-in of ${who.email}`).toBe(200)
  return res.cookies.find(c => c.startsWith('nuxt-session='))!.split(';')[0]!
}

let before: string
let canonical: Answer[] = []
beforeAll(async () => {
  base = new URL(url('/'))
  const admin = { authorization: `Bearer ${portal.keys.admin}` }
  const victimKey = await send('POST', '/api/v1/admin/keys', admin, JSON.stringify({ name: 'victim', role: 'viewer' }))
  const victimUser = await send('POST', '/api/v1/admin/users', admin, JSON.stringify({ email: 'victim@example.com', password: 'victim-password-123', role: 'viewer' }))
  await send('POST', '/api/v1/admin/users', admin, JSON.stringify({ ...VIEWER, role: 'viewer' }))
  const job = await send('POST', '/api/v1/correlations/recompute', admin, '{"personId":"P00001"}')
  KEEP.key = victimKey.body.id
  KEEP.user = victimUser.body.id
  KEEP.job = job.body.jobId
  KEEP.claim = (db.prepare(`SELECT id FROM claims WHERE status = 'submitted' LIMIT 1`).get() as { id: number }).id
  expect(Object.values(KEEP).every(v => Number.isInteger(v) && v > 0), JSON.stringify(KEEP)).toBe(true)
  callers = [
    { name: 'anonymous', headers: {} },
    { name: 'viewer key', role: 'viewer', headers: { authorization: `Bearer ${portal.keys.viewer}` } },
    { name: 'operator key', role: 'operator', headers: { authorization: `Bearer ${portal.keys.operator}` } },
    { name: 'admin key', role: 'admin', headers: admin },
    { name: 'viewer session', role: 'viewer', headers: { cookie: await signIn(VIEWER) } },
    { name: 'admin session', role: 'admin', headers: { cookie: await signIn(ADMIN) } },
  ]
  // Let the recompute finish, so the job runner writes nothing while the spellings are sent.
  for (let i = 0; i < 100 && (db.prepare(`SELECT count(*) AS n FROM job_runs WHERE status IN ('queued', 'running')`).get() as { n: number }).n > 0; i++) await new Promise(r => setTimeout(r, 100))
  // The canonical path, for every caller: GETs as they are; writes only where they must be refused.
  canonical = await pool(ALL.flatMap(r => callers.filter(c => r.method === 'GET' || !allows(c, r)).map(c => async () =>
    ({ ...await send(r.method, withQuery(r, target(r)), c.headers, r.method === 'GET' ? undefined : bodyOf(r)), label: `${c.name}: ${r.method} ${target(r)}` }))))
  await new Promise(r => setTimeout(r, 1500)) // reads' audit rows are flushed within a second
  before = digest()
}, 120_000)

describe('path spellings', () => {
  it('covers every route on disk, with a body a caller would be allowed to write', () => {
    expect(ROUTES.length).toBeGreaterThan(30)
    expect(ROUTES).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/v1/admin/keys' }))
    expect(ROUTES).toContainEqual(expect.objectContaining({ method: 'GET', path: '/metrics' }))
    const missing = ALL.filter(r => r.method !== 'GET' && !BODIES[`${r.method} ${r.path}`]).map(r => `${r.method} ${r.path}`)
    expect(missing, 'add a body for each new write route').toEqual([])
    expect(spellings('/api/v1/admin/keys')).toEqual(expect.arrayContaining(['/%61pi/v1/admin/keys', '/api/%76%31/admin/keys', '/api/v1/%61dmin/keys', '/api/v1/admin/keys/', '//api/v1/admin/keys', '/api/v1/./admin/keys', '/api/v1/admin;x=1/keys', '/API/V1/ADMIN/KEYS', '/api\\v1/admin/keys']))
  })

  it('the canonical path refuses whom the contract says, and serves the rest', () => {
    // The session routes answer 401 to anyone without a session: that is not a role being refused.
    const SESSION = /: GET \/api\/_?auth\/session$/
    const refused = canonical.filter(a => (a.status === 401 || a.status === 403) && !SESSION.test(a.label)).map(a => a.label)
    const expected = ALL.flatMap(r => callers.filter(c => !allows(c, r)).map(c => `${c.name}: ${r.method} ${target(r)}`))
    expect(refused.sort()).toEqual(expected.sort())
    // A GET its caller may make answers: so the same request under another spelling had something to leak.
    expect(canonical.filter(a => a.label.includes(': GET ') && !(a.status === 401 || a.status === 403) && a.status >= 400 && !SESSION.test(a.label)).map(a => `${a.status} ${a.label}`)).toEqual([])
  })

  it('no other spelling is served or written, whoever asks', async () => {
    const jobs = ALL.flatMap(r => spellings(target(r)).flatMap(spelt => callers.map(c => async () =>
      ({ answer: await send(r.method, withQuery(r, spelt), c.headers, r.method === 'GET' ? undefined : bodyOf(r)), caller: c, route: r }))))
    const results = await pool(jobs)
    const bypasses = results.filter(x => !allows(x.caller, x.route) && !refusedAtEdge(x.answer))
    // A spelling that is really another path (`/claims/Denial-patterns` is claim id `Denial-patterns`)
    // may reach a handler as that path, for a caller allowed there; none is answered with success.
    const served = results.filter(x => x.answer.status < 400)
    const errors = results.filter(x => x.answer.status >= 500)
    console.log(`[path-spelling] ${results.length} requests over ${ALL.length} routes and ${callers.length} callers: ${bypasses.length} bypasses, ${served.length} served, ${errors.length} 5xx`)
    const show = (xs: typeof results) => xs.slice(0, 20).map(x => `${x.caller.name}: ${x.answer.label} → ${x.answer.status} ${JSON.stringify(x.answer.body).slice(0, 120)}`)
    expect(show(bypasses)).toEqual([])
    expect(show(errors)).toEqual([])
    expect(show(served)).toEqual([])
    expect(results.length).toBeGreaterThan(10_000)
    expect(digest()).toBe(before)
  }, 300_000)

  it('the refusal says which part of the request was wrong', async () => {
    const res = await send('GET', '/%61pi/v1/claims?limit=1', {})
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('path'), data: { issues: [{ path: 'path', message: expect.any(String) }] } })
    expect(JSON.stringify(res.body)).not.toContain('patientRef')
  })
})

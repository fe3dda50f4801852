// Hostile-input sweep: every route file under server/api and server/routes (found on disk, so a new
// route is covered without editing this file) gets bad ids, bad query strings and bad bodies. The
// rule under test: bad input is a 4xx JSON error naming the field, never a 5xx, and changes nothing.
import Database from 'better-sqlite3'
import { url } from '@nuxt/test-utils/e2e'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usePortal } from './portal.ts'
import { spawnServer } from './spawn-server.ts'
import { pool, ROUTES } from './sweep.ts'

const portal = await usePortal({ seed: { claims: 2000, people: 3 } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())
const personId = (db.prepare('SELECT ref AS id FROM people LIMIT 1').get() as { id: string }).id

const WRITES = ROUTES.filter(r => r.method !== 'GET')

const TABLES = ['claims', 'people', 'health_data_points', 'supplement_intakes', 'api_keys', 'users'] as const
const counts = () => Object.fromEntries(TABLES.map(t => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]))

const LONG = 'x'.repeat(8_000) // under Node's 16 KiB header limit, so the app sees it
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const HOSTILE_IDS = ['%E0%A4%A', '%', '%zz', '%C0%AF', '-1', '0', '1e309', '9999999999999999999999', '%00', '..%2f', '..%2F..%2Fetc', '1.5', 'NaN', 'Infinity', '0x10', '1e1', '+16', '%2016', '%F0%9F%92%A9', encodeURIComponent(`' OR 1=1 --`), 'a'.repeat(5000)]
const HOSTILE_VALUES = ['', '-1', '0', '1e309', '9999999999999999999999', '-9999999999999999999999', 'NaN', 'Infinity', '-Infinity', '%00', '%F0%9F%92%A9%E2%80%AE', encodeURIComponent(`' OR 1=1 --`),
  '2026-02-30', '2026-13-01', '0000-00-00', '99999-01-01', 'true', '%FF%FE', LONG.slice(0, 3000),
  b64('garbage'), b64([]), b64([null, 'x']), b64([1e309, 1]), b64(['2026-01-01', 'x']), b64({ id: 1 }), b64('"' + LONG.slice(0, 900)), '!!!***', LONG]
const PARAMS = ['limit', 'cursor', 'count', 'from', 'to', 'personId', 'metric', 'supplementId', 'status', 'providerId', 'payer', 'denialReason',
  'minBilledCents', 'maxBilledCents', 'sort', 'groupBy', 'bucket', 'significant', 'minAbsR', 'minCount', 'window', 'namespace', 'id', 'redirect']

const PERSON_SCOPED = /health-data|insights|correlations/

function queries(): string[] {
  const qs: string[] = ['__proto__[x]=1', 'constructor[prototype][x]=1', 'toString=1&hasOwnProperty=1', 'limit=%E0%A4%A', '%zz=1', 'cursor=%', '&&&==&', 'limit=1&limit=2', 'from=2026-06-30&to=2026-01-01', 'status[]=denied', 'status=denied&status=bogus', 'limit[a]=1', 'personId[]=x',
    'cursor=' + b64(['2026-01-01', 1]) + 'x', `personId=${personId}&from=2026-06-30&to=2026-01-01`, `personId=${personId}&metric=steps&cursor=${b64(['x', 'y'])}`,
    `personId=${personId}&metric=steps&cursor=${b64([1e308, -1])}`, 'minBilledCents=10&maxBilledCents=1', 'patientRef=P1', '__proto__=1', 'payer=Acme%00Health', 'payer=Acme%E2%80%AEHealth', Array.from({ length: 200 }, () => 'status=denied').join('&')]
  for (const p of PARAMS) for (const v of HOSTILE_VALUES) qs.push(`${p}=${v}`)
  for (const v of HOSTILE_VALUES) qs.push(PARAMS.map(p => `${p}=${v}`).join('&'))
  return qs
}

// Write routes whose input is optional or ignored: a 2xx there is not bad input getting through.
const IGNORES_INPUT = ['POST /api/auth/logout ', 'POST /api/v1/admin/backup ', 'DELETE /api/v1/admin/cache?', 'DELETE /api/v1/admin/cache ']
const OPTIONAL_INPUT = ['POST /api/v1/correlations/recompute [application/json] {}', 'POST /api/v1/correlations/recompute [application/json] ']

interface Sent { status: number, body: any, label: string }

async function send(method: string, path: string, init: { body?: string | Buffer, type?: string, base?: string, headers?: Record<string, string> } = {}): Promise<Sent> {
  const headers: Record<string, string> = init.headers ?? { authorization: `Bearer ${portal.keys.admin}` }
  if (init.type) headers['content-type'] = init.type
  const res = await fetch((init.base ?? url('')).replace(/\/$/, '') + path, { method, headers, body: init.body as any, redirect: 'manual' })
  const text = await res.text()
  let body: any = text
  try { body = JSON.parse(text) } catch {}
  return { status: res.status, body, label: `${method} ${path.slice(0, 200)} [${init.type ?? '-'}] ${typeof init.body === 'string' ? init.body.slice(0, 80) : init.body ? '<bytes>' : ''}` }
}

/** No 5xx; a 4xx is JSON with statusCode and message; a 400 names its fields in data.issues. */
function problems(results: Sent[]): string[] {
  const bad: string[] = []
  for (const r of results) {
    if (r.status >= 500) bad.push(`${r.status} ${r.label}: ${JSON.stringify(r.body).slice(0, 200)}`)
    else if (r.status < 400 && r.label.split(' ')[0] !== 'GET' && !IGNORES_INPUT.some(p => r.label.startsWith(p)) && !OPTIONAL_INPUT.includes(r.label)) bad.push(`accepted ${r.status} ${r.label}`)
    else if (r.status >= 400 && r.status !== 404 && r.status !== 405 && r.status !== 431) {
      if (typeof r.body !== 'object' || r.body?.statusCode !== r.status || typeof r.body?.message !== 'string') bad.push(`non-JSON ${r.status} ${r.label}: ${String(JSON.stringify(r.body)).slice(0, 200)}`)
      else if (r.status === 400 && !(Array.isArray(r.body.data?.issues) && r.body.data.issues.length > 0 && r.body.data.issues.every((i: any) => typeof i.path === 'string' && typeof i.message === 'string'))) {
        bad.push(`400 without data.issues ${r.label}: ${JSON.stringify(r.body).slice(0, 200)}`)
      }
    }
  }
  return bad
}

const NESTED = '['.repeat(10_000) + ']'.repeat(10_000)
const NESTED_OBJ = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)
const INVALID_UTF8 = Buffer.concat([Buffer.from('[{"personId":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}]')])
const CLAIM = { source: 'x', sourceId: 'h1', providerId: 1, payer: 'Aetna', patientRef: 'HOSTILE-REF-7q', cptCode: '99213', dateOfService: '2026-01-05', submittedAt: '2026-01-06T00:00:00Z', status: 'submitted', denialReason: null, billedCents: 100, paidCents: 0 }
const POINT = { personId: 'HOSTILE-PID-7q', metric: 'steps', value: 100, at: '2026-01-05T08:00:00Z', source: 'x' }
const INTAKE = { personId: 'HOSTILE-PID-7q', supplementId: 'magnesium', takenAt: '2026-01-05T08:00:00Z', dose: 1, unit: 'mg' }
// Appended to each batch below: the batch is all or nothing, so odd-but-valid values write nothing either.
const BAD_ROW = { personId: 'not a ref', patientRef: 'not a ref', providerId: -5 }
const variants = (row: Record<string, unknown>) => [
  { ...row, extra: 1 }, { ...row, dateOfService: '2026-02-30', at: '2026-13-01T00:00:00Z', takenAt: '2026-02-30T00:00:00Z' },
  // Not happened yet: a day of service after today, instants years ahead.
  { ...row, dateOfService: '2999-01-01', submittedAt: '2999-01-01T00:00:00Z', at: '2999-01-01T00:00:00Z', takenAt: '2999-01-01T00:00:00Z' },
  ...Object.keys(row).flatMap(k => [null, 'NaN', 'Infinity', -1, -1e309, 1e309, 9999999999999999999999, '', [], {}, true, LONG, '\u0000', 'a\u0085b', 'a\u2028b', 'a\u202Eb', 'a\uD800b', '🦄'.repeat(50), `' OR 1=1 --`, '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z'].map(v => ({ ...row, [k]: v }))),
]
const jsonBodies = (row: Record<string, unknown>) => [
  '', 'null', '{}', '[]', '"x"', '42', 'true', '[null]', '[[]]', '[{}]', '[1,2]', NESTED, NESTED_OBJ, '{"a":', '[{"a":1}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}',
  JSON.stringify([row, { ...row, billedCents: 'x', value: 'x', dose: 'x' }]), ...variants(row).map(v => JSON.stringify([v, BAD_ROW])),
]
const ndjson = (row: Record<string, unknown>) => [JSON.stringify(row) + '\n{"bad":\n', JSON.stringify(row) + '\n' + JSON.stringify(row), '\n\n\n', 'not json\n', JSON.stringify(row) + '\n' + NESTED + '\n', '"x"\n1\nnull\n', JSON.stringify({ ...row, extra: [1] })]
const csv = (row: Record<string, unknown>) => {
  const head = Object.keys(row).join(',')
  const line = Object.values(row).map(v => v ?? '').join(',')
  // Valid-looking layouts (a repeated row, CRLF) end with one invalid row, so the batch must still fail.
  const bad = Object.entries(row).map(([k, v]) => k === 'personId' || k === 'patientRef' ? 'not a ref' : v ?? '').join(',')
  return ['', 'a,b,c\n1,2,3', head, `${head}\n"unterminated,${line}`, `${head}\n${line},extra,fields`, `${head}\n${line}\n${line}\n${bad}`, `${head}\n${line.replace(/,[^,]*$/, ',NaN')}`,
    `${head},${head}\n${line},${line}`, `"${head}\n${line}`, `${head}\n"a""b",${line}`, `${head}\r\n${line}\r\n${bad}\r\n\r\n`, `\uFEFF${head}\n${line.replace(/\d+/g, '-99999999999999999999')}`]
}
const INGEST: Record<string, Record<string, unknown>> = { '/api/v1/claims': CLAIM, '/api/v1/health-data': POINT, '/api/v1/supplement-intakes': INTAKE }
const LIMITS: Record<string, number> = { '/api/v1/admin/keys': 64 * 1024, '/api/v1/admin/users': 64 * 1024, '/api/auth/login': 64 * 1024,  '/api/v1/claims': 8 * 1024 * 1024, '/api/v1/health-data': 12 * 1024 * 1024, '/api/v1/supplement-intakes': 12 * 1024 * 1024, '/api/v1/correlations/recompute': 4096 }

let before: ReturnType<typeof counts>
beforeAll(async () => {
  // Bootstrap rows (the admin key, the first user) are written lazily on first use: settle them first.
  await send('GET', '/api/v1/claims?limit=1')
  await send('POST', '/api/auth/login', { type: 'application/json', body: '{"email":"nobody@example.org","password":"wrong-password-123"}' })
  before = counts()
})

describe('hostile input', () => {
  it('finds the routes on disk', () => {
    expect(ROUTES.length).toBeGreaterThan(30)
    expect(ROUTES).toContainEqual(expect.objectContaining({ method: 'PATCH', path: '/api/v1/claims/{id}' }))
    expect(ROUTES).toContainEqual(expect.objectContaining({ method: 'GET', path: '/healthz' }))
  })

  it('hostile path ids never cause a 5xx', async () => {
    const jobs = ROUTES.filter(r => r.path.includes('{id}')).flatMap(r => HOSTILE_IDS.map(id => () =>
      send(r.method, r.path.replace('{id}', id), r.method === 'PATCH' ? { type: 'application/json', body: '{"status":"paid"}' } : {})))
    expect(problems(await pool(jobs))).toEqual([])
  }, 240_000)

  it('hostile query strings never cause a 5xx', async () => {
    const qs = queries()
    const jobs = ROUTES.filter(r => r.method === 'GET' || r.method === 'DELETE').filter(r => !r.path.includes('keys/{id}') && !r.path.includes('users/{id}'))
      .flatMap(r => qs.map(q => () => send(r.method, `${r.path.replace('{id}', '1')}?${PERSON_SCOPED.test(r.path) ? `personId=${personId}&metric=steps&` : ''}${q}`)))
    const res = await pool(jobs)
    expect(problems(res)).toEqual([])
    // The admin key got through everywhere, and the person-scoped routes parsed past personId.
    expect(res.filter(r => (r.status === 401 || r.status === 403) && !r.label.includes('/api/auth/session'))).toEqual([])
    expect(res.some(r => r.status === 400 && r.label.startsWith(`GET /api/v1/health-data/summary?personId=${personId}`) && r.body.data.issues.some((i: any) => i.path === 'from'))).toBe(true)
  }, 240_000)

  it('hostile bodies never cause a 5xx and change nothing', async () => {
    const jobs: (() => Promise<Sent>)[] = []
    for (const r of WRITES) {
      const path = r.path.replace('{id}', r.method === 'PATCH' ? '1' : '999999')
      const row = INGEST[r.path] ?? CLAIM
      for (const type of [undefined, 'text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
        jobs.push(() => send(r.method, path, { type, body: '{"a":1}' }))
      }
      for (const body of jsonBodies(row)) jobs.push(() => send(r.method, path, { type: 'application/json', body }))
      jobs.push(() => send(r.method, path, { type: 'application/json', body: INVALID_UTF8 }))
      jobs.push(() => send(r.method, path, { type: 'application/x-www-form-urlencoded', body: 'email[]=a&password=%FF&redirect=//evil' }))
      if (INGEST[r.path]) {
        for (const body of ndjson(row)) jobs.push(() => send(r.method, path, { type: 'application/x-ndjson', body }))
        for (const body of csv(row)) jobs.push(() => send(r.method, path, { type: 'text/csv', body }))
        jobs.push(() => send(r.method, path, { type: 'text/csv', body: INVALID_UTF8 }))
      }
    }
    // PATCH with unknown or wrong fields; recompute with a bad personId.
    for (const body of [{ id: 5 }, { status: 'paid', patientRef: 'x' }, { status: 'bogus' }, { paidCents: -1 }, { paidCents: 1e309 }, { paidCents: 'NaN' }, { denialReason: `' OR 1=1 --` }, { status: null }]) {
      jobs.push(() => send('PATCH', '/api/v1/claims/1', { type: 'application/json', body: JSON.stringify(body) }))
    }
    for (const pid of ['', ' ', '../x', 'a'.repeat(65), `' OR 1=1 --`, 1, null, [], {}, '🦄', '\u0000']) {
      jobs.push(() => send('POST', '/api/v1/correlations/recompute', { type: 'application/json', body: JSON.stringify({ personId: pid }) }))
    }
    jobs.push(() => send('POST', '/api/v1/correlations/recompute', { type: 'application/json', body: JSON.stringify({ personId, extra: 1 }) }))
    expect(problems(await pool(jobs, 4))).toEqual([])
    expect(counts()).toEqual(before)
  }, 240_000)

  it('a real cursor sent with another sort or to another route is a 400 on `cursor`', async () => {
    const cursors: string[] = []
    for (const sort of ['-dateOfService', 'billedCents', 'submittedAt']) {
      const res = await send('GET', `/api/v1/claims?limit=1&sort=${sort}`)
      cursors.push(res.body.page.nextCursor)
    }
    const points = await send('GET', `/api/v1/health-data?personId=${personId}&limit=1`)
    cursors.push(points.body.page.nextCursor)
    expect(cursors.every(c => typeof c === 'string')).toBe(true)
    const results = await pool(cursors.flatMap(c => [
      ...['-dateOfService', 'billedCents', 'submittedAt'].map(sort => `/api/v1/claims?sort=${sort}&cursor=${c}`),
      `/api/v1/health-data?personId=${personId}&cursor=${c}`, `/api/v1/people?cursor=${c}`, `/api/v1/providers?cursor=${c}`,
      `/api/v1/correlations?cursor=${c}`, `/api/v1/admin/jobs?cursor=${c}`, `/api/v1/claims?cursor=${c.slice(0, -2)}`,
    ].map(path => () => send('GET', path))))
    expect(problems(results)).toEqual([])
    expect(results.some(r => r.status === 400)).toBe(true)
    expect(results.filter(r => r.status === 400).every(r => r.body.data.issues.some((i: any) => i.path === 'cursor'))).toBe(true)
  })

  it('a CSV with a repeated column is a 400, not a row where the last cell wins', async () => {
    const head = Object.keys(CLAIM).join(',')
    const line = Object.values(CLAIM).map(v => v ?? '').join(',')
    const res = await send('POST', '/api/v1/claims', { type: 'text/csv', body: `${head},billedCents\n${line},999` })
    expect(res.status).toBe(400)
    expect(res.body.data.issues[0].message).toContain('billedCents')
    expect(counts()).toEqual(before)
  })

  it('hostile credentials are a 401, never a 5xx', async () => {
    const creds: Record<string, string>[] = [{ authorization: 'Bearer ' }, { authorization: 'Bearer ' + 'a'.repeat(8000) }, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: `Bearer ${portal.keys.admin} x` },
      { authorization: 'Bearer ap_\u00ff' }, { cookie: 'nuxt-session=garbage' }, { cookie: `nuxt-session=Fe26.2**${'x'.repeat(300)}` }, { cookie: 'nuxt-session=%E0%A4%A' }, { cookie: `nuxt-session=${'a'.repeat(8000)}` }]
    const paths = ['/api/v1/claims', '/api/auth/session', '/api/v1/admin/health', '/metrics']
    const results = await pool(creds.flatMap(headers => paths.map(path => () => send('GET', path, { headers }))))
    expect(problems(results)).toEqual([])
    expect(results.every(r => r.status === 401 || r.status === 403 || (r.status === 200 && r.label.includes('/api/auth/session')))).toBe(true)
  })

  it('a hex or exponent id is a 400 on `id`, not another row', async () => {
    const status = () => (db.prepare('SELECT status FROM claims WHERE id = 16').get() as { status: string }).status
    const was = status()
    for (const id of ['0x10', '1e1', '1.6e1']) {
      const res = await send('PATCH', `/api/v1/claims/${id}`, { type: 'application/json', body: `{"status":"${was === 'paid' ? 'appealed' : 'paid'}"}` })
      expect(res.status, id).toBe(400)
      expect(res.body.data.issues).toEqual([expect.objectContaining({ path: 'id' })])
    }
    expect(status()).toBe(was)
  })

  it('a JSON body that does not parse is a 400 with data.issues, on every JSON route', async () => {
    for (const [method, path] of [['PATCH', '/api/v1/claims/1'], ['POST', '/api/v1/admin/keys'], ['POST', '/api/v1/admin/users'], ['POST', '/api/auth/login']] as const) {
      for (const body of ['{"a":', '{"__proto__":{"admin":true}}']) {
        const res = await send(method, path, { type: 'application/json', body })
        expect(res.status, `${path} ${body}`).toBe(400)
        expect(res.body.data.issues.length, `${path} ${body}`).toBeGreaterThan(0)
      }
    }
  })

  it('a body just over the size limit is a 413 that writes nothing', async () => {
    for (const [path, limit] of Object.entries(LIMITS)) {
      const res = await send('POST', path, { type: 'application/json', body: '[' + ' '.repeat(limit - 1) + ']' })
      expect(res.status, path).toBe(413)
      expect(res.body).toMatchObject({ statusCode: 413, message: expect.any(String) })
    }
    // The sign-in form (urlencoded) has the same bound as its JSON twin.
    const form = await send('POST', '/api/auth/login', { type: 'application/x-www-form-urlencoded', body: `email=a@b.org&password=${'x'.repeat(64 * 1024)}` })
    expect(form.status).toBe(413)
    expect(counts()).toEqual(before)
  }, 240_000)
})

describe('logs', () => {
  it('never name a patientRef or personId a client sent', async () => {
    const other = await spawnServer(portal.dbPath, {})
    try {
      const marks = ['HOSTILE-REF-7q', 'HOSTILE-PID-7q', 'LOGMARK-9z']
      const jobs: (() => Promise<Sent>)[] = []
      for (const [path, row] of Object.entries(INGEST)) {
        for (const body of jsonBodies(row).slice(17, 40)) jobs.push(() => send('POST', path, { type: 'application/json', body, base: other.url }))
        for (const body of csv(row)) jobs.push(() => send('POST', path, { type: 'text/csv', body, base: other.url }))
      }
      for (const r of ROUTES.filter(r => r.method === 'GET')) {
        jobs.push(() => send('GET', `${r.path.replace('{id}', 'LOGMARK-9z')}?personId=LOGMARK-9z&patientRef=LOGMARK-9z`, { base: other.url }))
      }
      jobs.push(() => send('POST', '/api/v1/correlations/recompute', { type: 'application/json', body: '{"personId":"LOGMARK-9z"}', base: other.url }))
      expect(problems(await pool(jobs, 4))).toEqual([])
      expect(other.log()).toContain('Listening') // the capture works: the server's start-up line is in it
      for (const mark of marks) expect(other.log()).not.toContain(mark)
    }
    finally {
      await other.stop()
    }
  }, 240_000)
})

// Security headers on every kind of answer (pages, API, errors, static assets, /metrics, probes),
// a nonce CSP on pages, HSTS only over TLS, CORS closed unless NUXT_CORS_ORIGINS lists the origin,
// and no-store on every answer that names a patient (checked for every GET route file on disk).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'
import { httpsGet, spawnServer } from './spawn-server.ts'

const ADMIN = { email: 'headers@example.com', password: 'e2e-headers-password-123' }
const SAME_ADMIN = { NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password }
const LISTED = ['https://app.example', 'http://localhost:5173']

const portal = await usePortal({ seed: { claims: 400, people: 3, days: 45 }, env: { ...SAME_ADMIN, NUXT_SESSION_PASSWORD: 'e2e-session-password-0123456789-headers' } })
const admin = auth(portal.keys.admin).headers
// CORS open for two origins, behind a trusted proxy (X-Forwarded-Proto believed).
const open = await spawnServer(portal.dbPath, { ...SAME_ADMIN, NUXT_CORS_ORIGINS: ` ${LISTED[0]}/ ,${LISTED[1]}`, NUXT_TRUST_PROXY: 'true' })
// Served over TLS itself, with a certificate made for this run.
const certDir = mkdtempSync(join(tmpdir(), 'portal-tls-'))
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' })
const tls = await spawnServer(portal.dbPath, { ...SAME_ADMIN, NITRO_SSL_CERT: readFileSync(join(certDir, 'cert.pem'), 'utf8'), NITRO_SSL_KEY: readFileSync(join(certDir, 'key.pem'), 'utf8') })
afterAll(async () => {
  await open.stop()
  await tls.stop()
})

// Filled once the server is up (test-utils' fetch works from the first hook on).
let session = ''
let asset = ''
beforeAll(async () => {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })
  expect(res.status).toBe(200)
  session = res.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))!.split(';')[0]!
  asset = /\/_nuxt\/[\w.-]+\.js/.exec(await (await fetch('/login')).text())![0]
})

/** `html`: a page with scripts; `page`: answered by the page renderer (its policy), with no body to check. */
interface Probe { name: string, path: string, status: number, method?: string, headers?: Record<string, string>, html?: boolean, page?: boolean }

// Every kind of answer a client can get. All are sent with a foreign Origin and X-Forwarded-Proto
// https, which this server (no NUXT_CORS_ORIGINS, no trusted proxy) must ignore.
const probes: Probe[] = [
  { name: 'page redirect', path: '/', status: 302, page: true },
  { name: 'sign-in page', path: '/login', status: 200, html: true },
  { name: 'page with patient data', path: '/claims', status: 200, headers: { cookie: 'SESSION' }, html: true },
  { name: 'page not found', path: '/no-such-page', status: 404, headers: { accept: 'text/html' }, html: true },
  { name: 'API answer', path: '/api/v1/claims?limit=1', status: 200, headers: admin },
  { name: 'API 401', path: '/api/v1/claims?limit=1', status: 401 },
  { name: 'API 400', path: '/api/v1/claims?limit=0', status: 400, headers: admin },
  { name: 'API 403', path: '/api/v1/admin/health', status: 403, headers: auth(portal.keys.viewer).headers },
  { name: 'API 404', path: '/api/v1/claims/99999999', status: 404, headers: admin },
  { name: 'API route not found', path: '/api/v1/no-such-route', status: 404, headers: admin },
  { name: 'API write refused', path: '/api/v1/claims', method: 'POST', status: 415, headers: { ...admin, 'content-type': 'text/plain' } },
  { name: 'session route', path: '/api/auth/session', status: 200, headers: { cookie: 'SESSION' } },
  { name: 'static asset', path: 'ASSET', status: 200 },
  { name: 'static asset not found', path: '/_nuxt/no-such-file.js', status: 404 },
  { name: 'metrics', path: '/metrics', status: 200, headers: admin },
  { name: 'liveness', path: '/healthz', status: 200 },
  { name: 'readiness', path: '/readyz', status: 200 },
  { name: 'preflight from a foreign origin', path: '/api/v1/claims', method: 'OPTIONS', status: 401, headers: { 'access-control-request-method': 'GET' } },
]

async function send(probe: Probe) {
  const headers: Record<string, string> = { origin: 'https://evil.example', 'x-forwarded-proto': 'https', ...probe.headers }
  if (headers.cookie === 'SESSION') headers.cookie = session
  const res = await fetch(probe.path === 'ASSET' ? asset : probe.path, { method: probe.method ?? 'GET', redirect: 'manual', headers })
  return { res, body: await res.text() }
}

function cspDirectives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map(d => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/)
    return [name!, sources]
  }))
}

describe('security headers on every answer', () => {
  it.each(probes)('$name ($path): nosniff, no-referrer, framing denied, CSP, no HSTS over http, no X-Powered-By, no CORS', async (probe) => {
    const { res, body } = await send(probe)
    expect(res.status).toBe(probe.status)
    const h = res.headers
    expect(h.get('x-content-type-options')).toBe('nosniff')
    expect(h.get('referrer-policy')).toBe('no-referrer')
    expect(h.get('x-frame-options')).toBe('DENY')
    expect(h.get('x-powered-by')).toBeNull()
    expect(h.get('strict-transport-security')).toBeNull()
    expect(h.get('access-control-allow-origin')).toBeNull()
    expect(h.get('access-control-allow-credentials')).toBeNull()
    const csp = h.get('content-security-policy') ?? ''
    const directives = cspDirectives(csp)
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp).not.toContain('unsafe-eval')
    if (probe.html || probe.page) {
      // Scripts run only with this answer's nonce, and Nuxt's every <script> carries it.
      const scriptSrc = directives.get('script-src')!
      const nonce = scriptSrc.find(s => s.startsWith("'nonce-"))!.slice(7, -1)
      expect(nonce.length).toBeGreaterThanOrEqual(16)
      expect(scriptSrc).not.toContain("'unsafe-inline'")
      expect(directives.get('object-src')).toEqual(["'none'"])
      expect(directives.get('base-uri')).toEqual(["'none'"])
      if (!probe.html) return
      expect(h.get('content-type')).toMatch(/^text\/html/)
      // A page's payload can name patients (the claims explorer's rows): no browser keeps it.
      expect(h.get('cache-control')).toBe('no-store')
      const scripts = body.match(/<script\b[^>]*>/g) ?? []
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    }
    else {
      // Nothing to run: either nothing at all may load, or (h3's error answers) no script.
      expect(directives.get('default-src') ?? directives.get('script-src')).toEqual(["'none'"])
    }
  })

  it('gives every page answer a nonce of its own', async () => {
    const nonces = new Set<string>()
    for (let i = 0; i < 3; i++) nonces.add(/'nonce-([^']+)'/.exec((await fetch('/login')).headers.get('content-security-policy')!)![1]!)
    expect(nonces.size).toBe(3)
  })
})

describe('Strict-Transport-Security', () => {
  it.each(['/login', '/api/v1/claims?limit=1', 'ASSET', '/api/v1/no-such-route', '/healthz'])('is sent on %s when the request came over TLS', async (path) => {
    const res = await httpsGet(`${tls.url}${path === 'ASSET' ? asset : path}`, admin)
    expect(res.status).toBeLessThan(500)
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it('believes X-Forwarded-Proto only where the proxy is trusted (NUXT_TRUST_PROXY)', async () => {
    const viaProxy = await globalThis.fetch(`${open.url}/login`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(viaProxy.headers.get('strict-transport-security')).toBe('max-age=31536000')
    const plain = await globalThis.fetch(`${open.url}/login`, { headers: { 'x-forwarded-proto': 'http' } })
    expect(plain.headers.get('strict-transport-security')).toBeNull()
    // The untrusting server was sent X-Forwarded-Proto: https by every probe above and never answered HSTS.
  })
})

describe('CORS with NUXT_CORS_ORIGINS', () => {
  const key = auth(portal.keys.viewer).headers

  it.each(LISTED)('answers a preflight from %s, and gives its requests the CORS headers', async (origin) => {
    const preflight = await globalThis.fetch(`${open.url}/api/v1/claims?limit=1`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin)
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/GET/)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/)
    expect(preflight.headers.get('access-control-max-age')).toBe('600')
    const res = await globalThis.fetch(`${open.url}/api/v1/claims?limit=1`, { headers: { ...key, origin } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(origin)
    expect(res.headers.get('vary')).toMatch(/origin/i)
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ratelimit-remaining/)
    // Keys only: the session cookie is never offered to another origin.
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('lists OPTIONS in a 405\'s Allow on /api/v1 only, where a preflight is answered', async () => {
    const api = await globalThis.fetch(`${open.url}/api/v1/claims/metrics`, { method: 'PUT', headers: admin })
    expect(api.status).toBe(405)
    expect(api.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    const probe = await globalThis.fetch(`${open.url}/healthz`, { method: 'DELETE' })
    expect(probe.status).toBe(405)
    expect(probe.headers.get('allow')).toBe('GET, HEAD')
  })

  it('gives any other origin no CORS headers, and does not answer its preflight', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'http://app.example', 'null']) {
      const preflight = await globalThis.fetch(`${open.url}/api/v1/claims`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })
      expect(preflight.status, origin).not.toBe(204)
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull()
      const res = await globalThis.fetch(`${open.url}/api/v1/claims?limit=1`, { headers: { ...key, origin } })
      expect(res.status).toBe(200)
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull()
    }
  })

  it('opens /api/v1 only: pages and sign-in get no CORS headers even for a listed origin', async () => {
    for (const path of ['/login', '/api/auth/session', '/metrics', '/healthz']) {
      const res = await globalThis.fetch(`${open.url}${path}`, { headers: { origin: LISTED[0]! } })
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull()
    }
  })
})

// Every GET route file under server/api/v1, with a request that reaches its answer.
const ROUTES_DIR = resolve(import.meta.dirname, '../../server/api/v1')
function getRouteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? getRouteFiles(full) : name.endsWith('.get.ts') ? [relative(ROUTES_DIR, full)] : []
  }).sort()
}

/** Answers that name no patient: a browser may keep them and revalidate. */
const AGGREGATE = new Set(['claims/metrics.get.ts', 'claims/denial-patterns.get.ts', 'providers/index.get.ts', 'providers/[id].get.ts'])

describe('Cache-Control on API answers', () => {
  it('is no-store on every answer but the aggregates, and no aggregate names a patient', async () => {
    const recompute = await fetch('/api/v1/correlations/recompute', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{}' })
    const { jobId } = await recompute.json() as { jobId: number }
    await expect.poll(async () => ((await (await fetch(`/api/v1/jobs/${jobId}`, { headers: admin })).json()) as { status: string }).status, { timeout: 30_000 }).toBe('succeeded')
    const people = (await (await fetch('/api/v1/people', { headers: admin })).json()) as { data: Array<{ personId: string }> }
    const person = people.data[0]!.personId
    const correlations = (await (await fetch(`/api/v1/correlations?personId=${person}`, { headers: admin })).json()) as { data: Array<{ id: number }> }
    // Routes with an id or a required parameter; every other GET route file is asked as it is named.
    const sample: Record<string, string> = {
      'claims/[id].get.ts': '/api/v1/claims/1',
      'claims/index.get.ts': '/api/v1/claims?limit=3',
      'correlations/[id].get.ts': `/api/v1/correlations/${correlations.data[0]!.id}`,
      'correlations/index.get.ts': `/api/v1/correlations?personId=${person}&limit=3`,
      'health-data/index.get.ts': `/api/v1/health-data?personId=${person}&limit=3`,
      'health-data/summary.get.ts': `/api/v1/health-data/summary?personId=${person}&metric=steps&bucket=week`,
      'insights/index.get.ts': `/api/v1/insights?personId=${person}`,
      'jobs/[id].get.ts': `/api/v1/jobs/${jobId}`,
      'providers/[id].get.ts': '/api/v1/providers/1',
    }
    const files = getRouteFiles(ROUTES_DIR)
    expect(files.filter(f => f.includes('[') && !sample[f]), 'GET routes with an id need a sample here').toEqual([])
    const requests = files.map(f => [f, sample[f] ?? `/api/v1/${f.replace(/\.get\.ts$/, '').replace(/\/?index$/, '')}`] as const)
    expect(requests.length).toBeGreaterThanOrEqual(20)
    const namesPatient: string[] = []
    for (const [file, path] of requests) {
      for (const headers of [admin, { ...admin, 'if-none-match': '"x"' }]) {
        const res = await fetch(path, { headers })
        const body = await res.text()
        expect(res.status, path).toBe(200)
        const names = /"(patientRef|personId)"/.test(body)
        if (names) namesPatient.push(file)
        if (AGGREGATE.has(file)) {
          expect(names, `${path} is sent as an aggregate but names a patient`).toBe(false)
          expect(res.headers.get('cache-control'), path).toBe('private, no-cache')
        }
        else {
          expect(res.headers.get('cache-control'), path).toMatch(/^(private, )?no-store$/)
        }
      }
    }
    // The check above looked at answers that do name patients (it would be empty if the routes answered nothing).
    expect(namesPatient).toEqual(expect.arrayContaining(['claims/[id].get.ts', 'claims/index.get.ts', 'correlations/[id].get.ts', 'correlations/index.get.ts', 'health-data/index.get.ts', 'health-data/summary.get.ts', 'people/index.get.ts']))
  })

  it('keeps ETag and 304 for an API client on patient answers, still with no-store', async () => {
    const first = await fetch('/api/v1/claims?limit=2', { headers: admin })
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await fetch('/api/v1/claims?limit=2', { headers: { ...admin, 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(again.headers.get('cache-control')).toBe('private, no-store')
  })
})

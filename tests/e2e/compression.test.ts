// Compression as a client negotiates it: brotli or gzip by Accept-Encoding (q-values, q=0), with
// Vary, for every GET route's answer of 1 KB or more and never below; not for HEAD or 304; static
// assets served from the files compressed at build.
import { readdirSync } from 'node:fs'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import { resolve } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { url } from '@nuxt/test-utils/e2e'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usePortal } from './portal.ts'
import { pool, ROUTES, type Route } from './sweep.ts'

const portal = await usePortal({ seed: { claims: 300, people: 2, days: 60 }, env: { NUXT_JOB_SCHEDULE: 'off' } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())
const agent = new Agent({ keepAlive: true, maxSockets: 8 })
afterAll(() => agent.destroy())
let base: URL
const ADMIN = () => ({ authorization: `Bearer ${portal.keys.admin}` })

interface Answer { status: number, headers: IncomingHttpHeaders, raw: Buffer }

/** The bytes as sent: node:http does not decompress. */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}
const decoded = (a: Answer) => a.headers['content-encoding'] === 'br' ? brotliDecompressSync(a.raw) : a.headers['content-encoding'] === 'gzip' ? gunzipSync(a.raw) : a.raw
const varies = (a: Answer) => /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(String(a.headers.vary ?? ''))

const LIST = '/api/v1/claims?limit=100'
const ids = { claim: 0, key: 0, user: 0 }

beforeAll(() => {
  base = new URL(url('/'))
  ids.claim = (db.prepare('SELECT id FROM claims LIMIT 1').get() as { id: number }).id
  ids.key = (db.prepare('SELECT id FROM api_keys LIMIT 1').get() as { id: number }).id
  ids.user = (db.prepare('SELECT id FROM users LIMIT 1').get() as { id: number }).id
})

describe('negotiation', () => {
  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.4, gzip;q=0.9', 'gzip'],
    ['gzip;q=0.4, br;q=0.9', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    [undefined, undefined],
  ])('Accept-Encoding %j is answered with %s', async (acceptEncoding, coding) => {
    const plain = await send('GET', LIST, ADMIN())
    const answer = await send('GET', LIST, { ...ADMIN(), ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) })
    expect(answer.status).toBe(200)
    expect(plain.raw.length).toBeGreaterThan(5000)
    expect(answer.headers['content-encoding']).toBe(coding)
    expect(varies(answer)).toBe(true)
    expect(decoded(answer).toString()).toBe(plain.raw.toString())
    expect(answer.headers['content-length']).toBe(String(answer.raw.length))
    if (coding) expect(answer.raw.length).toBeLessThan(plain.raw.length / 3)
  })

  it('sends a cached answer\'s compressed bytes the same each time, with its ETag', async () => {
    const a = await send('GET', '/api/v1/claims/metrics?groupBy=payer', { ...ADMIN(), 'accept-encoding': 'br' })
    const b = await send('GET', '/api/v1/claims/metrics?groupBy=payer', { ...ADMIN(), 'accept-encoding': 'br' })
    expect(b.headers['x-cache']).toBe('HIT')
    expect(b.headers.etag).toBe(a.headers.etag)
    expect(b.raw.equals(a.raw)).toBe(true)
  })

  it('does not compress a 304, a HEAD, or an answer under 1 KB', async () => {
    const first = await send('GET', LIST, ADMIN())
    const notModified = await send('GET', LIST, { ...ADMIN(), 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) })
    expect(notModified.status).toBe(304)
    expect(notModified.headers['content-encoding']).toBeUndefined()
    expect(notModified.raw.length).toBe(0)
    const head = await send('HEAD', LIST, { ...ADMIN(), 'accept-encoding': 'br' })
    expect(head.headers['content-encoding']).toBeUndefined()
    expect(head.headers['content-length']).toBe(String(first.raw.length))
    expect(varies(head)).toBe(true)
    const small = await send('GET', '/healthz', { 'accept-encoding': 'br' })
    expect(small.raw.length).toBeLessThan(1024)
    expect(small.headers['content-encoding']).toBeUndefined()
  })
})

describe('every GET route on disk', () => {
  function target(r: Route): string {
    const id = r.path.includes('/keys/') ? ids.key : r.path.includes('/users/') ? ids.user : r.path.includes('/claims/') ? ids.claim : 1
    const q: Record<string, string> = { '/api/v1/health-data': 'personId=P00001', '/api/v1/health-data/summary': 'personId=P00001&metric=steps', '/api/v1/insights': 'personId=P00001' }
    const path = r.path.replace('{id}', String(id))
    return q[r.path] ? `${path}?${q[r.path]}` : path
  }

  it('is compressed when its answer is 1 KB or more, and only then', async () => {
    const gets = ROUTES.filter(r => r.method === 'GET')
    const results = await pool(gets.map(r => async () => {
      const plain = await send('GET', target(r), ADMIN())
      const br = await send('GET', target(r), { ...ADMIN(), 'accept-encoding': 'br' })
      return { route: r.path, plain, br }
    }), 4)
    const large = results.filter(x => x.plain.raw.length >= 1024)
    expect(large.map(x => x.route)).toEqual(expect.arrayContaining(['/api/v1/claims', '/metrics', '/api/v1/admin/queries']))
    for (const { route, plain, br } of results) {
      expect(br.status, route).toBe(plain.status)
      // Dynamic answers (uptime, counters) change between two requests: the size decides, not the bytes.
      if (plain.raw.length >= 1200) expect(br.headers['content-encoding'], `${route} (${plain.raw.length} bytes)`).toBe('br')
      if (plain.raw.length < 900) expect(br.headers['content-encoding'], `${route} (${plain.raw.length} bytes)`).toBeUndefined()
      if (br.headers['content-encoding']) {
        expect(varies(br), route).toBe(true)
        expect(br.headers['content-type'], route).toBe(plain.headers['content-type'])
        expect(decoded(br).length, route).toBeGreaterThan(br.raw.length)
      }
    }
  }, 120_000)
})

describe('static assets', () => {
  it('are served from the brotli and gzip files written at build', async () => {
    const dir = resolve(import.meta.dirname, '../../.output/public/_nuxt')
    const files = readdirSync(dir)
    const js = files.find(f => f.endsWith('.js') && files.includes(`${f}.br`) && files.includes(`${f}.gz`))
    expect(js, 'a .js chunk with .br and .gz beside it').toBeDefined()
    const plain = await send('GET', `/_nuxt/${js}`)
    for (const coding of ['br', 'gzip']) {
      const answer = await send('GET', `/_nuxt/${js}`, { 'accept-encoding': coding })
      expect(answer.status).toBe(200)
      expect(answer.headers['content-encoding']).toBe(coding)
      expect(decoded(answer).equals(plain.raw)).toBe(true)
      expect(answer.raw.length).toBeLessThan(plain.raw.length)
    }
  })
})

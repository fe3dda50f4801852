// Rate limits over HTTP at 5 a minute: per API key, per signed-in user, per client address; 429
// with Retry-After and RateLimit-* headers; the probes never limited; a page load counted once;
// two processes sharing Redis share the count, and a dead Redis makes the limiter count in
// process instead of failing. Redis is the local one (127.0.0.1:6379), under a prefix of this run.
import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'
import { freePort, spawnServer } from './spawn-server.ts'

const LIMIT = 5
const prefix = `portal-e2e-rl-${randomBytes(6).toString('hex')}`
const REDIS_URL = 'redis://127.0.0.1:6379'
const ADMIN_USER = { email: 'limits@example.com', password: 'e2e-limits-password-123' }
// Every process gets the same first admin, so none makes one of its own while another starts.
const limits = { NUXT_RATE_LIMIT_PER_MINUTE: String(LIMIT), NUXT_RATE_LIMIT_ANON_PER_MINUTE: String(LIMIT), NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN_USER.email, NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_USER.password }

// This server believes X-Forwarded-For (as behind a proxy), so each test can be its own address.
const portal = await usePortal({
  env: {
    ...limits,
    NUXT_TRUST_PROXY: 'true',
    NUXT_CACHE_REDIS_URL: REDIS_URL,
    NUXT_CACHE_PREFIX: prefix,
    NUXT_SESSION_PASSWORD: 'e2e-session-password-0123456789-limits',
  },
})
// A second process on the same database and Redis, not trusting X-Forwarded-For.
const other = await spawnServer(portal.dbPath, { ...limits, NUXT_CACHE_REDIS_URL: REDIS_URL, NUXT_CACHE_PREFIX: prefix })
// A process whose Redis is never there.
const deadRedis = await spawnServer(portal.dbPath, { ...limits, NUXT_CACHE_REDIS_URL: `redis://127.0.0.1:${await freePort()}`, NUXT_CACHE_PREFIX: prefix })

afterAll(async () => {
  await other.stop()
  await deadRedis.stop()
  const redis = new Redis(6379, '127.0.0.1')
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

/** Counts are per minute (a fixed window): a burst must not straddle two minutes. */
async function freshWindow(needMs = 12_000) {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < needMs) await new Promise(r => setTimeout(r, left + 50))
}

let lastAddress = 0
/** A client address of its own (the first server takes it from X-Forwarded-For). */
function address() {
  return `198.51.100.${++lastAddress}`
}

/** A key of its own, so its count starts at zero. */
async function newKey(): Promise<Record<string, string>> {
  const res = await fetch('/api/v1/admin/keys', { method: 'POST', headers: { ...auth(ADMIN_KEY).headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: `limits ${lastAddress++}`, role: 'operator' }) })
  expect(res.status).toBe(201)
  return auth((await res.json() as { key: string }).key).headers
}

/** A GET to the first server, or to `base` (another process). */
async function get(path: string, headers: Record<string, string> = {}, base = '') {
  const res = await (base ? globalThis.fetch(`${base}${path}`, { headers, redirect: 'manual' }) : fetch(path, { headers, redirect: 'manual' }))
  await res.arrayBuffer()
  return res
}

function expectLimitHeaders(res: Response, remaining: number) {
  expect(res.headers.get('ratelimit-limit')).toBe(String(LIMIT))
  expect(res.headers.get('ratelimit-remaining')).toBe(String(remaining))
  const reset = Number(res.headers.get('ratelimit-reset'))
  expect(reset).toBeGreaterThanOrEqual(1)
  expect(reset).toBeLessThanOrEqual(60)
}

async function expect429(res: Response, message: RegExp) {
  expect(res.status).toBe(429)
  expectLimitHeaders(res, 0)
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThanOrEqual(1)
  expect(retryAfter).toBeLessThanOrEqual(60)
  const body = await res.json() as { statusCode: number, message: string }
  expect(body.statusCode).toBe(429)
  expect(body.message).toMatch(message)
}

async function login(email: string, password: string, from: string) {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify({ email, password }) })
  expect(res.status, await res.clone().text()).toBe(200)
  return res.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))!.split(';')[0]!
}

describe('per API key', () => {
  it('answers 5 requests with the headers counting down, then 429 with Retry-After for reads and writes; another key is not affected', async () => {
    const key = await newKey()
    await freshWindow()
    for (let i = 1; i <= LIMIT; i++) {
      const res = await get('/api/v1/providers?limit=1', key)
      expect(res.status).toBe(200)
      expectLimitHeaders(res, LIMIT - i)
    }
    await expect429(await fetch('/api/v1/providers?limit=1', { headers: key }), /API key/)
    const write = await fetch('/api/v1/correlations/recompute', { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: '{}' })
    expect(write.status).toBe(429)
    expect((await get('/api/v1/providers?limit=1', auth(portal.keys.viewer).headers)).status).toBe(200)
  })
})

describe('per signed-in user', () => {
  it('counts the session cookie\'s user, whatever address it comes from', async () => {
    await freshWindow()
    const cookie = await login(ADMIN_USER.email, ADMIN_USER.password, address())
    for (let i = 1; i <= LIMIT; i++) {
      const res = await get('/api/v1/providers?limit=1', { cookie, 'x-forwarded-for': address() })
      expect(res.status).toBe(200)
      expectLimitHeaders(res, LIMIT - i)
    }
    await expect429(await fetch('/api/v1/supplements', { headers: { cookie, 'x-forwarded-for': address() } }), /user/)
  })

  it('counts a page load once: the API calls it makes while rendering are not counted against anyone', async () => {
    await freshWindow()
    // A user of its own, so the count starts at zero.
    const email = `pages-${randomBytes(3).toString('hex')}@example.com`
    const created = await fetch('/api/v1/admin/users', { method: 'POST', headers: { ...auth(ADMIN_KEY).headers, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'pages-password-1234', role: 'viewer' }) })
    expect(created.status).toBe(201)
    const from = address()
    const cookie = await login(email, 'pages-password-1234', from)
    // The overview renders on the server with several API calls (useFetch through Nitro itself).
    const page = await fetch('/', { headers: { cookie, 'x-forwarded-for': from, accept: 'text/html' } })
    expect(page.status).toBe(200)
    // It did render with the API's answers (the payload holds the metrics).
    expect(await page.text()).toContain('denialRate')
    // The sign-in and the page: two requests from this address.
    expectLimitHeaders(page, LIMIT - 2)
    // The user's own count is untouched by the page's API calls: this is its first request.
    const api = await get('/api/v1/providers?limit=1', { cookie, 'x-forwarded-for': from })
    expect(api.status).toBe(200)
    expectLimitHeaders(api, LIMIT - 1)
  })
})

describe('per client address, without credentials', () => {
  it('limits an address to 5 pages a minute; another address is not affected', async () => {
    await freshWindow()
    const from = address()
    for (let i = 1; i <= LIMIT; i++) {
      const res = await get('/login', { 'x-forwarded-for': from })
      expect(res.status).toBe(200)
      expectLimitHeaders(res, LIMIT - i)
    }
    await expect429(await fetch('/login', { headers: { 'x-forwarded-for': from } }), /address/)
    // Sign-in from that address is limited too.
    const signIn = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify(ADMIN_USER) })
    expect(signIn.status).toBe(429)
    expect((await get('/login', { 'x-forwarded-for': address() })).status).toBe(200)
  })

  it('counts the requests authentication refuses: guessing keys from one address is limited', async () => {
    await freshWindow()
    const from = address()
    for (let i = 1; i <= LIMIT; i++) {
      const res = await fetch('/api/v1/admin/keys', { headers: { 'x-forwarded-for': from, authorization: `Bearer ap_guess-${i}-0123456789abcdef0123456789` } })
      expect(res.status).toBe(401)
      expectLimitHeaders(res, LIMIT - i)
    }
    await expect429(await fetch('/api/v1/claims', { headers: { 'x-forwarded-for': from } }), /address/)
    // A valid key from that address is its own bucket, and still answered.
    expect((await fetch('/api/v1/providers?limit=1', { headers: { 'x-forwarded-for': from, ...await newKey() } })).status).toBe(200)
  })

  it('never limits /healthz and /readyz, nor the app\'s static assets', async () => {
    await freshWindow()
    const from = address()
    const html = await (await fetch('/login', { headers: { 'x-forwarded-for': from } })).text()
    const asset = /\/_nuxt\/[\w.-]+\.js/.exec(html)![0]
    for (let i = 0; i < 3 * LIMIT; i++) {
      for (const path of ['/healthz', '/readyz', asset]) {
        const res = await get(path, { 'x-forwarded-for': from })
        expect(res.status, path).toBe(200)
        expect(res.headers.get('ratelimit-limit'), path).toBeNull()
      }
    }
    // The address has spent one request (the page above).
    expectLimitHeaders(await get('/login', { 'x-forwarded-for': from }), LIMIT - 2)
  })

  it('a server that does not trust proxies counts the socket address, whatever X-Forwarded-For says', async () => {
    await freshWindow()
    // The test's own address has spent some of this minute already (the servers' start-up checks).
    const first = await get('/login', { 'x-forwarded-for': address() }, other.url)
    expect(first.status).toBe(200)
    const left = Number(first.headers.get('ratelimit-remaining'))
    for (let i = left - 1; i >= 0; i--) expectLimitHeaders(await get('/login', { 'x-forwarded-for': address() }, other.url), i)
    await expect429(await globalThis.fetch(`${other.url}/login`, { headers: { 'x-forwarded-for': address() } }), /address/)
    for (const path of ['/healthz', '/readyz']) expect((await get(path, {}, other.url)).status).toBe(200)
  })
})

describe('several processes', () => {
  it('share one count through Redis: requests to either server add up', async () => {
    const key = await newKey()
    await freshWindow()
    const seen: Array<[string, number, string | null]> = []
    for (const base of ['', other.url, '', other.url, '']) {
      const res = await get('/api/v1/supplements', key, base)
      seen.push([base || 'first', res.status, res.headers.get('ratelimit-remaining')])
    }
    expect(seen.map(s => s[1])).toEqual([200, 200, 200, 200, 200])
    expect(seen.map(s => s[2])).toEqual(['4', '3', '2', '1', '0'])
    expect((await get('/api/v1/supplements', key, other.url)).status).toBe(429)
    expect((await get('/api/v1/supplements', key)).status).toBe(429)
    const redis = new Redis(6379, '127.0.0.1')
    const keys = await redis.keys(`${prefix}:ratelimit:*`)
    redis.disconnect()
    // Counters name the key's id or an address, never the key itself, and expire with the window.
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.join(' ')).not.toContain('ap_')
  })

  it('without its Redis, a server still answers and limits from its own count, never a 5xx', async () => {
    const key = await newKey()
    await freshWindow()
    const statuses = []
    for (let i = 0; i <= LIMIT; i++) statuses.push((await get('/api/v1/supplements', key, deadRedis.url)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    expect(deadRedis.log()).not.toContain('[api]')
  })
})

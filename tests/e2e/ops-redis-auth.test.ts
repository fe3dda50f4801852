// A Redis that asks for credentials: an ACL user and password in NUXT_CACHE_REDIS_URL are used
// (two processes share entries through it), and a wrong password degrades as a Redis that is
// down does: answers from the database, never a 500, and the password in no log line. The ACL
// user is this test's own, created here and deleted afterwards: the default user and requirepass,
// which other tests share, are left alone.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY } from './portal.ts'
import { spawnServer, type SpawnedServer } from './spawn-server.ts'

const run = randomBytes(6).toString('hex')
const user = `portal-e2e-${run}`
const password = `pw-${randomBytes(12).toString('hex')}`
const wrong = `wrong-${randomBytes(12).toString('hex')}`
const prefix = `portal-e2e-auth-${run}`
const admin = { authorization: `Bearer ${ADMIN_KEY}` }
const METRICS = '/api/v1/claims/metrics?groupBy=payer&from=2026-01-01&to=2026-06-30'

const redis = new Redis(6379, '127.0.0.1')
let a: SpawnedServer, b: SpawnedServer, c: SpawnedServer

beforeAll(async () => {
  await redis.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all')
  const dbPath = join(mkdtempSync(join(tmpdir(), 'portal-redis-auth-')), 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  seedDatabase(conn, { claims: 500, people: 1, days: 30, seed: 9, end: '2026-06-30' })
  closeDatabase()
  const env = (url: string) => ({ NUXT_CACHE_REDIS_URL: url, NUXT_CACHE_PREFIX: prefix, NUXT_JOB_SCHEDULE: 'off' })
  ;[a, b, c] = await Promise.all([
    spawnServer(dbPath, env(`redis://${user}:${password}@127.0.0.1:6379/0`)),
    spawnServer(dbPath, env(`redis://${user}:${password}@127.0.0.1:6379/0`)),
    spawnServer(dbPath, env(`redis://${user}:${wrong}@127.0.0.1:6379/0`)),
  ])
}, 90_000)

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()])
  await redis.call('ACL', 'DELUSER', user)
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

async function get(server: SpawnedServer, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: admin })
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.json() as any }
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await what()
    if (ok(value) || Date.now() - started > ms) return value
    await new Promise(r => setTimeout(r, 50))
  }
}

describe('NUXT_CACHE_REDIS_URL with an ACL user and password', () => {
  it('connects, and two processes share entries through it', async () => {
    for (const s of [a, b]) expect((await until(() => get(s, '/api/v1/admin/cache/stats'), r => r.body.redis?.connected, 5000)).body.redis.connected).toBe(true)
    expect((await get(a, METRICS)).cache).toBe('MISS')
    expect((await get(b, METRICS)).cache).toBe('HIT')
    expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0)
    // The server authenticated as the test's own user, not as the default one.
    const clients = String(await redis.call('CLIENT', 'LIST'))
    expect(clients).toContain(`user=${user}`)
  })

  it('with a wrong password answers from the database like a Redis that is down, never a 500', async () => {
    await new Promise(r => setTimeout(r, 500))
    const first = await get(c, METRICS)
    const second = await get(c, METRICS)
    expect([first.status, second.status]).toEqual([200, 200])
    expect(first.cache).toBe('MISS')
    expect(second.body).toEqual(first.body)
    expect((await get(c, '/api/v1/claims?limit=3')).status).toBe(200)
    const stats = await get(c, '/api/v1/admin/cache/stats')
    expect(stats.body).toMatchObject({ driver: 'redis', redis: { connected: false } })
    expect(c.log()).toMatch(/\[cache\] redis unavailable/)
  })

  it('never writes a password to the log', () => {
    for (const s of [a, b, c]) {
      expect(s.log()).not.toContain(password)
      expect(s.log()).not.toContain(wrong)
    }
  })
})

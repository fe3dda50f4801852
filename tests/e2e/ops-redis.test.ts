// The shared Redis cache with two portal processes on one database: entries are shared, an
// invalidation in one process reaches the other within a second, and when Redis goes away both
// keep answering from the database and their in-process LRU, then use Redis again when it returns.
// Redis is the local one at 127.0.0.1:6379, reached through a TCP proxy this test can cut.
import { randomBytes } from 'node:crypto'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import Database from 'better-sqlite3'
import Redis from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'
import { freePort, spawnServer } from './spawn-server.ts'

const REDIS_PORT = 6379
const prefix = `portal-e2e-${randomBytes(6).toString('hex')}`

/** A TCP proxy to the local Redis; stop() drops every connection, as a Redis crash would. */
function redisProxy(port: number) {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  return {
    async start() {
      server = createServer((client) => {
        const upstream = createConnection(REDIS_PORT, '127.0.0.1')
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      await new Promise<void>(done => server!.listen(port, '127.0.0.1', done))
    },
    async stop() {
      const closed = new Promise(done => server?.close(done))
      for (const s of sockets) s.destroy()
      await closed
    },
  }
}

const proxyPort = await freePort()
const proxy = redisProxy(proxyPort)
await proxy.start()

const portal = await usePortal({ seed: { claims: 2000 }, env: { NUXT_CACHE_REDIS_URL: `redis://127.0.0.1:${proxyPort}`, NUXT_CACHE_PREFIX: prefix } })
const other = await spawnServer(portal.dbPath, { NUXT_CACHE_REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`, NUXT_CACHE_PREFIX: prefix })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(async () => {
  db.close()
  await other.stop()
  await proxy.stop()
  // Entries expire on their own; the generation keys do not: leave nothing of this run behind.
  const redis = new Redis(REDIS_PORT, '127.0.0.1')
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

const viewer = auth(portal.keys.viewer)
const METRICS = '/api/v1/claims/metrics?groupBy=payer&from=2026-01-01&to=2026-06-30'

async function onA(path: string) {
  const started = performance.now()
  const res = await fetch(path, viewer)
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.json() as any, ms: performance.now() - started }
}

async function onB(path: string) {
  const res = await globalThis.fetch(`${other.url}${path}`, viewer)
  return { status: res.status, cache: res.headers.get('x-cache'), body: await res.json() as any }
}

async function statsA() {
  return await (await fetch('/api/v1/admin/cache/stats', auth(portal.keys.admin))).json() as any
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<{ value: T, elapsed: number }> {
  const started = Date.now()
  for (;;) {
    const value = await what()
    if (ok(value) || Date.now() - started > ms) return { value, elapsed: Date.now() - started }
    await new Promise(r => setTimeout(r, 50))
  }
}

describe('two processes, one Redis', () => {
  it('share entries: what one computed, the other answers as a HIT', async () => {
    await until(statsA, s => s.redis?.connected, 5000)
    expect((await onA(METRICS)).cache).toBe('MISS')
    expect((await onB(METRICS)).cache).toBe('HIT')
    const stats = await statsA()
    expect(stats).toMatchObject({ driver: 'redis', redis: { connected: true } })
    expect(stats.byNamespace.find((n: any) => n.namespace === 'claims:metrics').keys).toBe(1)
  })

  it('see an invalidation made by the other process within a second', async () => {
    const before = await onB(METRICS)
    const id = (db.prepare(`SELECT id FROM claims WHERE status = 'submitted' AND date_of_service BETWEEN '2026-01-01' AND '2026-06-30' LIMIT 1`).get() as { id: number }).id
    const patch = await fetch(`/api/v1/claims/${id}`, { method: 'PATCH', body: JSON.stringify({ status: 'pending' }), headers: { ...auth(portal.keys.operator).headers, 'content-type': 'application/json' } })
    expect(patch.status).toBe(200)
    const seen = await until(() => onB(METRICS), r => r.body.totals.pending === before.body.totals.pending + 1, 3000)
    expect(seen.value.body.totals.pending).toBe(before.body.totals.pending + 1)
    expect(seen.elapsed).toBeLessThanOrEqual(1000)
  })
})

describe('when Redis goes away', () => {
  it('keeps answering 200 quickly from the database and the in-process cache', async () => {
    await proxy.stop()
    const path = '/api/v1/claims/metrics?groupBy=month&from=2026-02-01&to=2026-05-31'
    const first = await onA(path)
    const second = await onA(path)
    expect(first.status).toBe(200)
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(first.ms).toBeLessThan(1000)
    expect(second.cache).toBe('HIT')
    expect((await onA('/api/v1/claims?limit=3')).status).toBe(200)
    expect((await statsA()).redis.connected).toBe(false)
  })

  it('keeps invalidations made meanwhile, and uses Redis again once it is back', async () => {
    const path = '/api/v1/claims/denial-patterns?from=2026-01-01&to=2026-06-30'
    expect((await onB(path)).cache).toBe('MISS')
    expect((await onB(path)).cache).toBe('HIT')
    // A write on A while A cannot reach Redis: B must not keep answering the old patterns.
    const del = await fetch('/api/v1/admin/cache?namespace=claims:denial-patterns', { method: 'DELETE', ...auth(portal.keys.admin) })
    expect(del.status).toBe(200)
    expect((await statsA()).redis.pendingInvalidations).toBe(1)

    await proxy.start()
    const back = await until(statsA, s => s.redis.connected && s.redis.pendingInvalidations === 0, 10_000)
    expect(back.value.redis.connected).toBe(true)
    const onOther = await until(() => onB(path), r => r.cache === 'MISS', 3000)
    expect(onOther.value.cache).toBe('MISS')
    // Shared again: what B just computed, A answers from Redis.
    expect((await onA(path)).cache).toBe('HIT')
  })
})

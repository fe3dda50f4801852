// A path no route serves can carry a patient's id (`/api/v1/patients/PT-…`). It must reach no log
// line, no route statistic, no slow-request entry and no Prometheus label with its text: it is
// counted as `(unmatched)`. The server is spawned directly so that its whole log can be read.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { ADMIN_KEY } from './portal.ts'
import { spawnServer, type SpawnedServer } from './spawn-server.ts'

// Distinctive, and in the shape of a patientRef.
const SECRET = 'PTzq7Secret'
const admin = { authorization: `Bearer ${ADMIN_KEY}` }

// Every kind of place a path can fall through: unknown API paths (with and without credentials,
// every method), pages, assets, near-misses of real routes, encoded and oddly spelled variants.
const PATHS = [
  `/api/v1/patients/${SECRET}`, `/api/${SECRET}`, `/api/v1/admin/${SECRET}`, `/api/v1/claims/${SECRET}/x`, `/api/v1/${SECRET}?personId=${SECRET}`,
  `/${SECRET}`, `/claims/${SECRET}/more`, `/admin/${SECRET}`, `/_nuxt/${SECRET}.js`, `/metrics/${SECRET}`, `/healthz/${SECRET}`,
  `/${SECRET}%2F..%2Fx`, `/%${SECRET}`, `/${SECRET}%`, `/api/v1//${SECRET}`, `/${encodeURIComponent(SECRET).replace('S', '%53')}`,
]
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

let server: SpawnedServer
beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'portal-unmatched-')), 'portal.db')
  runMigrations(initDatabase(dbPath))
  closeDatabase()
  // Every request is "slow", so every one goes to the slow-request log too.
  server = await spawnServer(dbPath, { NUXT_SLOW_REQUEST_MS: '0', NUXT_JOB_SCHEDULE: 'off' })
}, 60_000)
afterAll(() => server?.stop())

describe('a path that matches no route', () => {
  it('appears in no log line, route statistic, slow-request entry or metric label', async () => {
    const statuses = new Set<number>()
    for (const path of PATHS) {
      for (const method of METHODS) {
        for (const headers of [admin, {}, { authorization: 'Bearer ap_wrong' }]) {
          const res = await fetch(`${server.url}${path}`, { method, headers, redirect: 'manual', body: method === 'POST' || method === 'PUT' || method === 'PATCH' ? '{}' : undefined })
          await res.arrayBuffer()
          statuses.add(res.status)
        }
      }
    }
    // The requests were refused for every reason the portal has, not only one.
    expect([...statuses].some(s => s === 404)).toBe(true)
    expect([...statuses].some(s => s === 401)).toBe(true)
    expect([...statuses].some(s => s >= 500)).toBe(false)
    await new Promise(r => setTimeout(r, 500))

    const routes = await (await fetch(`${server.url}/api/v1/admin/routes?window=5m`, { headers: admin })).text()
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: admin })).text()
    // They were counted, under the placeholder.
    expect(JSON.parse(routes).routes.map((r: { route: string }) => r.route)).toContain('(unmatched)')
    expect(JSON.parse(routes).slow.some((r: { route: string }) => r.route === '(unmatched)')).toBe(true)
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\(unmatched\)"/)
    for (const [where, text] of [['log', server.log()], ['/api/v1/admin/routes', routes], ['/metrics', metrics]] as const) {
      expect(text.toLowerCase().includes(SECRET.toLowerCase()), `${where} holds the path:\n${text.slice(0, 2000)}`).toBe(false)
    }
  }, 120_000)
})

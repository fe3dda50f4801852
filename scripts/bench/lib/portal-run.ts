// What `npm run load` and `npm run soak` share: a fresh database with the demo data and one API
// key per connection, the built portal on it with the limits it ships with, the per-route table
// of what the portal mix got back, and the verdict (what counts as an error).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closeDatabase } from '../../../server/database/client.ts'
import { createApiKey } from '../../../server/services/auth/api-keys.ts'
import { DEMO_SEED_OPTIONS, seedDatabase } from '../../../server/services/seed/index.ts'
import { openMigrated } from '../../lib/cli.ts'
import { checkpoint, mixFacts } from './bench-db.ts'
import type { LoadResult } from './load.ts'
import type { Pinning } from './machine.ts'
import { portalFacts, type PortalCredentials, type PortalFacts } from './portal-mix.ts'
import { startPortal, type RunningServer } from './server.ts'

export const ADMIN_KEY = 'ap_load-local-admin-key-not-a-secret-0123456789'
const LOGIN = { email: 'admin@example.com', password: 'load-run-password-not-a-secret' }
/** The portal's default per-key limit (nuxt.config.ts rateLimitPerMinute): the run keeps it. */
export const RATE_LIMIT_PER_MINUTE = 1200

export interface PortalDatabase {
  dir: string
  path: string
  facts: PortalFacts
  credentials: PortalCredentials
  claims: number
  remove(): void
}

/** A new database in a temporary folder: demo data, `keys` operator keys and a greedy client's key. */
export function preparePortalDatabase(keys: number, greedyConnections: number): PortalDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'portal-load-'))
  const path = join(dir, 'portal.db')
  const { conn } = openMigrated(path)
  const seeded = seedDatabase(conn, DEMO_SEED_OPTIONS)
  const credentials: PortalCredentials = {
    keys: Array.from({ length: keys }, (_, i) => createApiKey(`load ${i}`, 'operator').key),
    adminKey: ADMIN_KEY,
    login: LOGIN,
    ...(greedyConnections > 0 ? { greedy: { key: createApiKey('load greedy client', 'operator').key, connections: greedyConnections } } : {}),
  }
  const facts = portalFacts(conn.sqlite, mixFacts(conn.sqlite))
  checkpoint(conn.sqlite)
  closeDatabase()
  return { dir, path, facts, credentials, claims: seeded.claims, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The built portal on the database, with its shipped rate limits and a known admin password. */
export function startLoadPortal(pinning: Pinning, db: PortalDatabase): Promise<RunningServer> {
  return startPortal(pinning, db.path, ADMIN_KEY, {
    NUXT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    NUXT_RATE_LIMIT_ANON_PER_MINUTE: '120',
    NUXT_BOOTSTRAP_ADMIN_PASSWORD: LOGIN.password,
    // Sign-in over plain http to 127.0.0.1 (a Secure cookie is only sent over https or to localhost).
    NUXT_SESSION_COOKIE_SECURE: 'false',
    NUXT_SESSION_PASSWORD: 'load-run-session-password-not-a-secret-0123456789',
  })
}

/**
 * Requests a second one connection may send so that its own key stays under the limit in every
 * window (three quarters of it): only the greedy client, several connections on one key, goes over.
 */
export function connectionRateUnderLimit(): number {
  return Math.floor((0.75 * RATE_LIMIT_PER_MINUTE) / 60)
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '-')

/** The per-route table: answers by status class, with the 429s apart, and latencies. */
export function routeTable(result: LoadResult): string {
  const rows = Object.entries(result.routes ?? {}).sort(([a], [b]) => a.localeCompare(b))
  const header = ['route', 'answers', '2xx', 'cache HIT', '304', '429', 'other 4xx', '5xx', 'p50 ms', 'p99 ms', 'max ms']
  const lines = rows.map(([route, t]) => {
    let ok = 0
    let notModified = 0
    let limited = 0
    let client = 0
    let server = 0
    for (const [code, n] of Object.entries(t.statuses)) {
      const c = Number(code)
      if (c === 304) notModified += n
      else if (c === 429) limited += n
      else if (c >= 200 && c < 300) ok += n
      else if (c >= 500) server += n
      else client += n
    }
    const total = ok + notModified + limited + client + server
    return [route, total, ok, t.cacheHits, notModified, limited, client, server, ms(t.latency.p50), ms(t.latency.p99), ms(t.latency.max)].map(String)
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [fmt(header), fmt(widths.map(w => '-'.repeat(w))), ...lines.map(fmt)].join('\n')
}

/** autocannon counts a timeout as an error too: the errors that are not timeouts. */
export function socketErrors(result: LoadResult): number {
  return Math.max(0, result.errors - result.timeouts)
}

/** Answers of every status over all routes. */
export function answerCount(result: LoadResult): number {
  return Object.values(result.routes ?? {}).reduce((n, t) => n + Object.values(t.statuses).reduce((a, b) => a + b, 0), 0)
}

/** Prints the verdict; true when the run failed. */
export function reportVerdict(tag: string, problems: readonly string[], ok: string): boolean {
  if (problems.length) console.error(`[${tag}] FAILED: ${problems.join('; ')}`)
  else console.info(`[${tag}] ok: ${ok}`)
  return problems.length > 0
}

/** Everything that is an error in a run of the portal mix: the intended 429s (the greedy client's, with Retry-After) are not. */
export function loadProblems(result: LoadResult): string[] {
  const problems: string[] = []
  if (socketErrors(result)) problems.push(`${socketErrors(result)} socket errors`)
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`)
  if (result.unintended429) problems.push(`${result.unintended429} 429s for clients under their limit`)
  if (result.missingRetryAfter) problems.push(`${result.missingRetryAfter} 429s without Retry-After`)
  for (const [route, t] of Object.entries(result.routes ?? {})) {
    for (const [code, n] of Object.entries(t.statuses)) {
      const c = Number(code)
      if (c >= 500 || (c >= 400 && c !== 429) || c < 200) problems.push(`${route}: ${n} × ${code}`)
    }
  }
  return problems
}

// Starts the built server (.output, built by global-setup) on a temporary database for one test
// file, through @nuxt/test-utils. Data and keys are written before the server starts.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { $fetch, fetch, setup } from '@nuxt/test-utils/e2e'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { createApiKey } from '../../server/services/auth/api-keys.ts'
import { seedDatabase, type SeedOptions } from '../../server/services/seed/index.ts'

const ROOT = resolve(import.meta.dirname, '../..')

export const ADMIN_KEY = 'ap_e2e-bootstrap-admin-key-0123456789abcdef'

/**
 * Tests drive one server with one admin key far faster than a client may (the hostile-input sweep
 * sends thousands of requests a minute), so their limits are high unless a test sets its own
 * (tests/e2e/rate-limit.test.ts).
 */
export const TEST_RATE_LIMITS = { NUXT_RATE_LIMIT_PER_MINUTE: '1000000', NUXT_RATE_LIMIT_ANON_PER_MINUTE: '1000000' }

export interface Portal {
  dbPath: string
  keys: { viewer: string, operator: string, admin: string }
}

export async function usePortal(options: { seed?: Partial<SeedOptions>, env?: Record<string, string> } = {}): Promise<Portal> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-e2e-'))
  const dbPath = join(dir, 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  if (options.seed) seedDatabase(conn, { claims: 2000, people: 3, days: 60, seed: 7, end: '2026-06-30', ...options.seed })
  const keys = {
    viewer: createApiKey('e2e viewer', 'viewer').key,
    operator: createApiKey('e2e operator', 'operator').key,
    admin: ADMIN_KEY,
  }
  closeDatabase()

  await setup({
    rootDir: ROOT,
    build: false,
    server: true,
    nuxtConfig: { nitro: { output: { dir: join(ROOT, '.output') } } },
    env: {
      NUXT_DATABASE_PATH: dbPath,
      NUXT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      NUXT_SEED_DEMO: 'false',
      // Beside the test's database, never in the project's data/.
      NUXT_BACKUP_DIR: join(dir, 'backups'),
      ...TEST_RATE_LIMITS,
      ...options.env,
    },
  })
  return { dbPath, keys }
}

/** Polls `fn` until it answers something other than undefined, and answers that. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(r => setTimeout(r, everyMs))
  }
}

export function auth(key: string): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${key}` } }
}

export { $fetch, fetch }

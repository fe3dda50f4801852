// Read records are buffered for up to a second: a portal stopped (SIGTERM) right after answering
// a read still writes that read's record before it exits.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY } from './portal.ts'
import { spawnServer } from './spawn-server.ts'

it('writes the buffered read records at shutdown', async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'portal-audit-stop-')), 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  seedDatabase(conn, { claims: 20, people: 1, days: 20, seed: 3, end: '2026-06-30' })
  closeDatabase()
  const server = await spawnServer(dbPath, { NUXT_JOB_SCHEDULE: 'off' })
  const ids = [3, 5, 8, 13]
  for (const id of ids) expect((await fetch(`${server.url}/api/v1/claims/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200)
  await server.stop()
  const db = new Database(dbPath, { readonly: true })
  const rows = db.prepare(`SELECT target FROM audit_log WHERE action = 'read.claim' ORDER BY id`).all() as { target: string }[]
  db.close()
  expect(rows.map(r => r.target)).toEqual(ids.map(id => `claim:${id}`))
}, 60_000)

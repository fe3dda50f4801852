// A full disk: an ingest answers 507 with the reason and changes nothing, /readyz turns 503 and
// /api/v1/admin/health says why while it lasts, and once space is back the portal notices by
// itself (its probe) and takes the same batch. Two real faults: a small tmpfs filled to the last
// byte (needs root and mount; skipped otherwise), and a file-size limit (RLIMIT_FSIZE, `ulimit
// -f`), which any user can set: past it the kernel refuses the write with EFBIG, as a full disk
// refuses it with ENOSPC.
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { ADMIN_KEY } from './portal.ts'
import { spawnServer, type SpawnedServer } from './spawn-server.ts'

const auth = { authorization: `Bearer ${ADMIN_KEY}` }
const ENV = { NUXT_JOB_SCHEDULE: 'off', NUXT_STORAGE_PROBE_MS: '200' }

function batch(size: number, tag: string) {
  return Array.from({ length: size }, (_, i) => ({
    source: 'disk-full', sourceId: `${tag}-${i}`, providerId: 1, payer: 'Aetna', patientRef: `PT-df-${i}`, cptCode: '99213',
    dateOfService: '2026-03-01', submittedAt: '2026-03-02T09:00:00Z', status: 'submitted', billedCents: 10_000 + i, paidCents: 0,
  }))
}

function seed(dbPath: string): void {
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  seedDatabase(conn, { claims: 50, people: 1, days: 5, seed: 5, end: '2026-06-30' })
  closeDatabase()
}

async function ingest(server: SpawnedServer, rows: unknown[]) {
  const res = await fetch(`${server.url}/api/v1/claims`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(rows) })
  return { status: res.status, body: await res.json() as any }
}

async function readiness(server: SpawnedServer) {
  const res = await fetch(`${server.url}/readyz`)
  return { status: res.status, body: await res.json() as any }
}

async function storageCheck(server: SpawnedServer) {
  const health = await (await fetch(`${server.url}/api/v1/admin/health`, { headers: auth })).json() as any
  return health.checks.find((c: any) => c.name === 'storage')
}

function claimCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }).n
  }
  finally {
    db.close()
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise(r => setTimeout(r, 100))
  }
}

/** While the fault lasts: the refused batch, readiness and the health check; then recovery once `free` gives space back. */
async function proveFault(server: SpawnedServer, dbPath: string, codes: string[], free: () => void): Promise<void> {
  const before = claimCount(dbPath)
  const refused = await ingest(server, batch(2000, 'full'))
  expect(refused.status).toBe(507)
  expect(refused.body).toMatchObject({ statusCode: 507, statusMessage: 'Insufficient Storage' })
  expect(codes).toContain(refused.body.data.reason)
  expect(refused.body.message).toMatch(/nothing was written/)
  // All or nothing: not one row of the batch is there.
  expect(claimCount(dbPath)).toBe(before)
  const notReady = await readiness(server)
  expect(notReady).toMatchObject({ status: 503, body: { status: 'not ready', checks: { database: true, storage: false }, reason: expect.stringMatching(/Insufficient storage/) } })
  // The reason is the latest refusal's: the write's own, or the probe's (ENOSPC, EFBIG) since.
  expect(await storageCheck(server)).toMatchObject({ status: 'fail', value: 1, reason: expect.stringMatching(/^Insufficient storage: .+ \((SQLITE_\w+|ENOSPC|EFBIG)\); nothing was written, since /) })
  // The probe keeps failing while nothing is freed: still not ready a few probes later.
  await new Promise(r => setTimeout(r, 600))
  expect((await readiness(server)).status).toBe(503)

  free()
  const ready = await until(() => readiness(server), r => r.status === 200)
  expect(ready.body.checks.storage).toBe(true)
  expect(await storageCheck(server)).toMatchObject({ status: 'ok', value: 0 })
  expect(await ingest(server, batch(20, 'after'))).toEqual({ status: 200, body: { inserted: 20, updated: 0, unchanged: 0 } })
  expect(claimCount(dbPath)).toBe(before + 20)
  expect(server.log()).toMatch(/\[storage\] writes refused until space is freed/)
  expect(server.log()).toMatch(/\[storage\] writes work again/)
}

function canMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: mount -t tmpfs needs root'
  const dir = mkdtempSync(join(tmpdir(), 'portal-mount-check-'))
  const tried = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
  if (tried.status !== 0) return `mount -t tmpfs failed: ${String(tried.stderr).trim() || tried.error?.message}`
  spawnSync('umount', [dir])
  rmSync(dir, { recursive: true, force: true })
  return undefined
}

const noMount = canMount()
if (noMount) console.warn(`[disk-full] the tmpfs variant is skipped (${noMount}); the file-size-limit variant still runs`)

describe('a full disk', () => {
  it.skipIf(noMount)('a filled tmpfs: 507 and not ready while full, back by itself once space is freed', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'portal-tmpfs-'))
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]).status).toBe(0)
    let server: SpawnedServer | undefined
    try {
      const dbPath = join(mountPoint, 'db', 'portal.db')
      mkdirSync(join(mountPoint, 'db'))
      seed(dbPath)
      server = await spawnServer(dbPath, ENV)
      // Every byte left goes to a filler file: the next write that needs a page fails with ENOSPC.
      const filler = join(mountPoint, 'filler')
      const fd = openSync(filler, 'w')
      const chunk = Buffer.alloc(64 * 1024, 1)
      try {
        for (let size = chunk.length; size > 0;) {
          try {
            writeSync(fd, chunk, 0, size)
          }
          catch {
            size = size >> 1
          }
        }
      }
      finally {
        closeSync(fd)
      }
      expect(statSync(filler).size).toBeGreaterThan(1024 * 1024)
      // Not ready at once, before any write has failed: the file system says it is full.
      expect(await readiness(server)).toMatchObject({ status: 503, body: { checks: { storage: false }, reason: expect.stringMatching(/bytes free beside the database/) } })
      await proveFault(server, dbPath, ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_SHMSIZE'], () => rmSync(filler))
    }
    finally {
      await server?.stop()
      // Always unmounted, even when an assertion failed: lazily if something still holds it.
      if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint])
      rmSync(mountPoint, { recursive: true, force: true })
    }
  }, 60_000)

  it('a file-size limit (RLIMIT_FSIZE): the same answers, back by itself once the limit is raised', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-fsize-'))
    const dbPath = join(dir, 'portal.db')
    seed(dbPath)
    // Room for the files as they are and a little more: a batch of 2000 claims does not fit.
    const limitKb = Math.ceil(statSync(dbPath).size / 1024) + 256
    const server = await spawnServer(dbPath, ENV, { fileSizeLimitKb: limitKb })
    try {
      // Node ignores SIGXFSZ, so a write past the limit fails with EFBIG rather than killing it.
      const prlimit = spawnSync('prlimit', ['--version'])
      if (prlimit.status !== 0) console.warn('[disk-full] prlimit (util-linux) is missing: the limit cannot be raised, so recovery is not checked here')
      const raise = () => {
        const raised = spawnSync('prlimit', ['--pid', String(server.pid), '--fsize=unlimited:unlimited'])
        expect(raised.status, String(raised.stderr)).toBe(0)
      }
      if (prlimit.status === 0) await proveFault(server, dbPath, ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_TRUNCATE'], raise)
      else expect((await ingest(server, batch(2000, 'full'))).status).toBe(507)
    }
    finally {
      await server.stop()
    }
  }, 60_000)
})

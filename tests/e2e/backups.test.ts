// Online backups on the built server: POST /admin/backup → a verified, encrypted backup listed
// with its size and checksum, the health check's backup age, a backup taken under write load that
// is a consistent snapshot, and the restore CLI (into a fresh path; refused while a portal runs).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { sha256File } from '../../server/services/backups/files.ts'
import { checkRollups } from '../../server/services/jobs/rollup-check.ts'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'
import { serverExit, spawnServer } from './spawn-server.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const KEY = randomBytes(32).toString('hex')
// About 10 MiB of claims: the copy takes several steps of the backup API, so writes land between them.
const portal = await usePortal({ seed: { claims: 30_000, people: 3, days: 60 }, env: { NUXT_BACKUP_ENCRYPTION_KEY: KEY, NUXT_BACKUP_KEEP: '5', NUXT_JOB_SCHEDULE: 'off' } })
const backupDir = join(portal.dbPath, '..', 'backups')
const JSON_TYPE = { 'content-type': 'application/json' }

async function api(method: string, path: string, key: string | null = ADMIN_KEY, body?: unknown) {
  const res = await fetch(path, { method, headers: { ...(key ? auth(key).headers : {}), ...(body === undefined ? {} : JSON_TYPE) }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, headers: res.headers, body: await res.json() as any }
}

async function backUp(): Promise<any> {
  const queued = await api('POST', '/api/v1/admin/backup')
  expect(queued.status).toBe(202)
  expect(queued.headers.get('location')).toBe(`/api/v1/jobs/${queued.body.jobId}`)
  for (let i = 0; i < 600; i++) {
    const job = (await api('GET', queued.headers.get('location')!)).body
    if (job.status === 'succeeded' || job.status === 'failed') return job
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error('the backup job did not finish')
}

function restoreCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number, out: string }> {
  return new Promise((done) => {
    execFile(join(ROOT, 'node_modules/.bin/node'), ['scripts/db-restore.ts', ...args], { cwd: ROOT, env: { ...process.env, NUXT_BACKUP_ENCRYPTION_KEY: KEY, ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, out: stdout + stderr }))
  })
}

let first: any
let claimsAtFirst: any

describe('POST /api/v1/admin/backup', () => {
  it('queues a backup that is verified, encrypted and listed with its size and checksum; the health check turns fresh', async () => {
    const before = await api('GET', '/api/v1/admin/health')
    expect(before.body.checks.find((c: any) => c.name === 'backupAge')).toMatchObject({ status: 'warn', value: null })
    claimsAtFirst = await api('GET', '/api/v1/claims?limit=200&sort=-billedCents&count=true')
    const job = await backUp()
    expect(job).toMatchObject({ task: 'db.backup', status: 'succeeded', error: null })
    first = job.result
    expect(first).toMatchObject({ status: 'verified', integrity: 'ok', encrypted: true, sizeBytes: expect.any(Number), durationMs: expect.any(Number) })
    expect(first.fileName).toMatch(/^portal-\d{8}T\d{9}Z\.db\.enc$/)
    expect(readdirSync(backupDir)).toEqual([first.fileName])
    // Encrypted on disk, and what the record says of it.
    expect(readFileSync(first.path).includes(Buffer.from('SQLite format 3'))).toBe(false)
    expect(await sha256File(first.path)).toBe(first.sha256)
    expect(readFileSync(first.path).length).toBe(first.sizeBytes)
    // The key never reaches job_runs or the answers.
    expect(JSON.stringify(job)).not.toContain(KEY)

    const list = await api('GET', '/api/v1/admin/backups')
    expect(list.status).toBe(200)
    expect(list.body.data[0]).toMatchObject({ id: first.id, path: first.path, sizeBytes: first.sizeBytes, sha256: first.sha256, integrity: 'ok', status: 'verified', at: first.at })
    const after = await api('GET', '/api/v1/admin/health')
    expect(after.body.db.lastBackupAt).toBe(first.at)
    const age = after.body.checks.find((c: any) => c.name === 'backupAge')
    expect(age.status).toBe('ok')
    expect(age.value).toBeLessThan(0.1)
    // The job's statements (run on the worker thread) are measured like every other.
    const queries = (await api('GET', '/api/v1/admin/queries')).body.queries as { name: string, calls: number }[]
    for (const name of ['backups.integrityCheck', 'backups.insert']) expect(queries.find(q => q.name === name)?.calls, name).toBeGreaterThan(0)
  }, 120_000)

  it('is for admins only', async () => {
    for (const key of [portal.keys.viewer, portal.keys.operator]) {
      expect((await api('POST', '/api/v1/admin/backup', key)).status).toBe(403)
      expect((await api('GET', '/api/v1/admin/backups', key)).status).toBe(403)
    }
    expect((await api('POST', '/api/v1/admin/backup', null)).status).toBe(401)
    expect((await api('GET', '/api/v1/admin/backups?limit=0')).body.data.issues[0].path).toBe('limit')
  })
})

describe('a backup under write load', () => {
  it('is a consistent snapshot: integrity ok, rollups equal their rows, every batch whole or absent', async () => {
    const BATCH = 200
    const acked: { batch: number, at: number }[] = []
    let stop = false
    const load = (async () => {
      for (let n = 0; !stop; n++) {
        const claims = Array.from({ length: BATCH }, (_, i) => ({ source: `load-${n}`, sourceId: `c${i}`, providerId: 1 + (i % 5), payer: 'Aetna', patientRef: `LOAD-${i}`, cptCode: '99213',
          dateOfService: `2026-06-${String(1 + (i % 28)).padStart(2, '0')}`, submittedAt: '2026-06-29T00:00:00Z', status: i % 7 === 0 ? 'denied' : 'submitted', denialReason: i % 7 === 0 ? 'CO-16' : null, billedCents: 1000 + i, paidCents: 0 }))
        const points = Array.from({ length: BATCH }, (_, i) => ({ personId: 'LOAD-P1', metric: 'steps', value: 1000 + i, at: new Date(Date.UTC(2026, 4, 1) + (n * BATCH + i) * 60_000).toISOString(), source: `load-${n}` }))
        const [c, p] = await Promise.all([api('POST', '/api/v1/claims', ADMIN_KEY, claims), api('POST', '/api/v1/health-data', ADMIN_KEY, points)])
        expect([c.status, p.status]).toEqual([200, 200])
        acked.push({ batch: n, at: Date.now() })
      }
    })()
    await new Promise(r => setTimeout(r, 300))
    const job = await backUp()
    stop = true
    await load
    expect(job.status).toBe('succeeded')
    const started = Date.parse(job.startedAt)
    const finished = Date.parse(job.finishedAt)
    // The writes really overlapped the copy.
    expect(acked.filter(a => a.at > started && a.at < finished).length).toBeGreaterThan(0)

    const copy = join(mkdtempSync(join(tmpdir(), 'backup-copy-')), 'copy.db')
    const decrypted = await restoreCli(['--decrypt-only', job.result.path, copy])
    expect(decrypted, decrypted.out).toMatchObject({ code: 0 })
    const conn = initDatabase(copy)
    try {
      expect(conn.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(checkRollups({ repair: false })).toEqual({ claims: { mismatches: 0, repaired: false }, health: { mismatches: 0, repaired: 0 } })
      const claimBatches = conn.sqlite.prepare(`SELECT source, count(*) AS n FROM claims WHERE source LIKE 'load-%' GROUP BY source`).all() as { n: number }[]
      const pointBatches = conn.sqlite.prepare(`SELECT source, count(*) AS n FROM health_data_points WHERE source LIKE 'load-%' GROUP BY source`).all() as { n: number }[]
      expect(claimBatches.every(b => b.n === BATCH)).toBe(true)
      expect(pointBatches.every(b => b.n === BATCH)).toBe(true)
      // Every batch acknowledged before the copy began is in it; none acknowledged after it ended could be.
      expect(claimBatches.length).toBeGreaterThanOrEqual(acked.filter(a => a.at < started).length)
      expect(claimBatches.length).toBeLessThanOrEqual(acked.filter(a => a.at <= finished).length)
      console.info(`[backups] under load: ${acked.length} batches of ${BATCH} claims and ${BATCH} points, ${claimBatches.length} in the copy, copy restarted ${job.result.restarts} time(s), ${job.result.durationMs} ms`)
    }
    finally {
      closeDatabase()
    }
  }, 180_000)
})

describe('npm run db:restore', () => {
  it('restores into a fresh path, and a portal on it answers the same claims', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'restore-')), 'portal.db')
    const restored = await restoreCli([first.path, '--db', target])
    expect(restored.out).toMatch(/authentication tag ok/)
    expect(restored.out).toMatch(/integrity_check ok/)
    expect(restored.code).toBe(0)
    expect(existsSync(`${target}-wal`)).toBe(false)
    const server = await spawnServer(target, { NUXT_JOB_SCHEDULE: 'off' })
    try {
      const answer = await globalThis.fetch(`${server.url}/api/v1/claims?limit=200&sort=-billedCents&count=true`, auth(ADMIN_KEY))
      expect(answer.status).toBe(200)
      expect(await answer.json()).toEqual(claimsAtFirst.body)
      // While this portal runs, the restore refuses to replace its database, and leaves it as it was.
      const refused = await restoreCli([first.path, '--db', target])
      expect(refused.code).toBe(4)
      expect(refused.out).toMatch(/is open in another process \(a running portal\?\): stop it, then restore/)
      expect((await globalThis.fetch(`${server.url}/api/v1/claims?limit=1&count=true`, auth(ADMIN_KEY))).status).toBe(200)
    }
    finally {
      await server.stop()
    }
    // Stopped, the same restore goes through.
    expect((await restoreCli([first.path, '--db', target])).code).toBe(0)
  }, 120_000)

  it('refuses the database of the running test portal, an altered file and a missing key, with distinct exit codes', async () => {
    const held = await restoreCli([first.path, '--db', portal.dbPath])
    expect(held.code).toBe(4)
    expect((await api('GET', '/api/v1/claims?limit=200&sort=-billedCents&count=true')).status).toBe(200)

    const dir = mkdtempSync(join(tmpdir(), 'restore-bad-'))
    const bytes = readFileSync(first.path)
    bytes[bytes.length >> 1]! ^= 0x01
    const altered = join(dir, first.fileName)
    writeFileSync(altered, bytes)
    const bad = await restoreCli([altered, '--db', join(dir, 'portal.db')])
    expect(bad.code).toBe(3)
    expect(existsSync(join(dir, 'portal.db'))).toBe(false)
    expect(readdirSync(dir)).toEqual([first.fileName])

    const noKey = await restoreCli([first.path, '--db', join(dir, 'portal.db')], { NUXT_BACKUP_ENCRYPTION_KEY: '' })
    expect(noKey).toMatchObject({ code: 5, out: expect.stringMatching(/is encrypted: set NUXT_BACKUP_ENCRYPTION_KEY/) })
    expect((await restoreCli([])).code).toBe(2)
  }, 60_000)
})

describe('NUXT_BACKUP_ENCRYPTION_KEY', () => {
  it('a value that is not 32 bytes stops the start with a clear line that does not repeat it', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'backup-key-')), 'portal.db')
    const { code, output } = await serverExit(dbPath, { NUXT_BACKUP_ENCRYPTION_KEY: 'correct-horse-battery-staple' })
    expect(code).toBe(78)
    expect(code).not.toBeNull()
    expect(output).toMatch(/NUXT_BACKUP_ENCRYPTION_KEY must be 32 bytes written as 64 hex digits or as base64/)
    expect(output).not.toContain('correct-horse-battery-staple')
  }, 60_000)
})

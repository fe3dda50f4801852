import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeBackup } from '../../server/services/backups/backup.ts'
import { BackupFileError, decryptFile, encryptFile } from '../../server/services/backups/encryption.ts'
import { sha256File } from '../../server/services/backups/files.ts'
import { listBackups } from '../../server/services/backups/records.ts'
import { EXIT, lockDatabase, restoreBackup, RestoreError } from '../../server/services/backups/restore.ts'
import { BackupSettingsError, configureBackups, parseBackupKeep, parseEncryptionKey } from '../../server/services/backups/settings.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { tempDatabase } from './helpers.ts'

const scratch = () => mkdtempSync(join(tmpdir(), 'backups-unit-'))
const KEY = randomBytes(32)
const claimsIn = (path: string) => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare('SELECT count(*) AS n, sum(billed_cents) AS billed FROM claims').get()
  }
  finally {
    db.close()
  }
}

describe('NUXT_BACKUP_ENCRYPTION_KEY and NUXT_BACKUP_KEEP', () => {
  it('takes 32 bytes as 64 hex digits or base64, nothing else, and never repeats the value', () => {
    expect(parseEncryptionKey(KEY.toString('hex'))).toEqual(KEY)
    expect(parseEncryptionKey(KEY.toString('base64'))).toEqual(KEY)
    expect(parseEncryptionKey('')).toBeUndefined()
    for (const bad of ['secret-passphrase', KEY.toString('hex').slice(2), randomBytes(24).toString('base64'), `${KEY.toString('base64').slice(0, 42)}!=`]) {
      expect(() => parseEncryptionKey(bad)).toThrow(BackupSettingsError)
      expect(() => parseEncryptionKey(bad)).toThrow(/32 bytes written as 64 hex digits or as base64/)
      try {
        parseEncryptionKey(bad)
      }
      catch (error) {
        expect((error as Error).message).not.toContain(bad)
      }
    }
  })

  it('keeps at least one backup', () => {
    expect(parseBackupKeep(undefined)).toBe(7)
    expect(parseBackupKeep('3')).toBe(3)
    expect(() => parseBackupKeep('0')).toThrow(BackupSettingsError)
    expect(() => parseBackupKeep('all')).toThrow(BackupSettingsError)
  })
})

describe('AES-256-GCM backup files', () => {
  const dir = scratch()
  const plain = join(dir, 'plain.bin')
  writeFileSync(plain, randomBytes(300_000))

  it('round-trips, with a fresh IV per file', async () => {
    const a = await encryptFile(plain, join(dir, 'a.enc'), KEY)
    await encryptFile(plain, join(dir, 'b.enc'), KEY)
    expect(a.sizeBytes).toBe(300_000 + 17 + 16)
    expect(a.sha256).toBe(await sha256File(join(dir, 'a.enc')))
    expect(readFileSync(join(dir, 'a.enc')).equals(readFileSync(join(dir, 'b.enc')))).toBe(false)
    await decryptFile(join(dir, 'a.enc'), join(dir, 'a.out'), KEY)
    expect(readFileSync(join(dir, 'a.out')).equals(readFileSync(plain))).toBe(true)
  })

  it('rejects a changed byte anywhere, a wrong key and a cut-off file, leaving no output', async () => {
    const sealed = readFileSync(join(dir, 'a.enc'))
    for (const [name, at] of [['header', 6], ['body', 150_000], ['tag', sealed.length - 3]] as const) {
      const bad = Buffer.from(sealed)
      bad[at]! ^= 0x01
      writeFileSync(join(dir, `${name}.enc`), bad)
      await expect(decryptFile(join(dir, `${name}.enc`), join(dir, `${name}.out`), KEY)).rejects.toThrow(BackupFileError)
      expect(existsSync(join(dir, `${name}.out`))).toBe(false)
    }
    await expect(decryptFile(join(dir, 'a.enc'), join(dir, 'wrong.out'), randomBytes(32))).rejects.toThrow(/altered, or NUXT_BACKUP_ENCRYPTION_KEY is not the key/)
    expect(existsSync(join(dir, 'wrong.out'))).toBe(false)
    writeFileSync(join(dir, 'short.enc'), sealed.subarray(0, sealed.length - 100))
    await expect(decryptFile(join(dir, 'short.enc'), join(dir, 'short.out'), KEY)).rejects.toThrow(BackupFileError)
  })
})

describe('takeBackup and restoreBackup', () => {
  let db: ReturnType<typeof tempDatabase>
  beforeAll(() => {
    db = tempDatabase()
    seedDatabase(db.conn, { claims: 500, people: 2, days: 20, seed: 3, end: '2026-06-30' })
  })
  afterAll(() => db.dispose())

  it('writes a verified plain copy, recorded with its size and checksum', async () => {
    const dir = join(scratch(), 'backups')
    const backup = await takeBackup({ dir, keep: 7 })
    expect(backup).toMatchObject({ status: 'verified', integrity: 'ok', encrypted: false, error: null, restarts: 0, pruned: 0 })
    expect(readdirSync(dir)).toEqual([backup.fileName])
    expect(backup.fileName).toMatch(/^portal-\d{8}T\d{9}Z\.db$/)
    // Patient data: for the portal's user only.
    expect(statSync(backup.path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(backup.sha256).toBe(await sha256File(backup.path))
    expect(backup.sizeBytes).toBe(readFileSync(backup.path).length)
    expect(claimsIn(backup.path)).toEqual(claimsIn(db.conn.path))
    // One self-contained file: no -wal needed beside it.
    expect(readFileSync(backup.path)[18]).toBe(1)
    expect(listBackups({ limit: 10 }).data[0]).toMatchObject({ id: backup.id, path: backup.path, sha256: backup.sha256 })
  })

  it('encrypts with a key and leaves no plaintext copy; the restore decrypts it into a fresh path', async () => {
    const dir = scratch()
    const backup = await takeBackup({ dir, keep: 7, key: KEY })
    expect(backup.fileName).toMatch(/\.db\.enc$/)
    expect(readdirSync(dir)).toEqual([backup.fileName])
    expect(statSync(backup.path).mode & 0o777).toBe(0o600)
    expect(readFileSync(backup.path).includes(Buffer.from('SQLite format 3'))).toBe(false)
    expect(backup.sha256).toBe(await sha256File(backup.path))
    const target = join(scratch(), 'restored.db')
    await expect(restoreBackup(backup.path, target)).rejects.toMatchObject({ exitCode: EXIT.noKey })
    const restored = await restoreBackup(backup.path, target, { key: KEY })
    expect(restored).toMatchObject({ encrypted: true, integrity: 'ok', sha256: backup.sha256 })
    expect(claimsIn(target)).toEqual(claimsIn(db.conn.path))
    expect(readdirSync(join(target, '..'))).toEqual(['restored.db'])
  })

  it('starts the copy over when another connection writes during it, so the copy holds that write whole', async () => {
    const other = new Database(db.conn.path)
    const write = other.transaction(() => {
      for (let i = 0; i < 100; i++) other.prepare(`INSERT INTO data_sources (id, kind, rows_ingested) VALUES (?, 'claims', ?)`).run(`mid-copy-${i}`, i)
    })
    let writes = 0
    const backup = await takeBackup({ dir: scratch(), keep: 7 }, (done, total) => {
      // Between two steps, once pages were copied: a write by another connection restarts the copy.
      if (done > 0 && done < total && writes < 1) {
        write()
        writes++
      }
    })
    other.close()
    expect(writes).toBe(1)
    expect(backup.restarts).toBe(1)
    const copy = new Database(backup.path, { readonly: true })
    expect(copy.prepare(`SELECT count(*) AS n FROM data_sources WHERE id LIKE 'mid-copy-%'`).get()).toEqual({ n: 100 })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    copy.close()
  })

  it('does not start over for writes on its own connection, which SQLite copies as it goes', async () => {
    let written = false
    const backup = await takeBackup({ dir: scratch(), keep: 7 }, (done, total) => {
      if (done > 0 && done < total && !written) {
        db.conn.sqlite.prepare(`INSERT INTO data_sources (id, kind) VALUES ('same-connection', 'claims')`).run()
        written = true
      }
    })
    expect(written).toBe(true)
    expect(backup.restarts).toBe(0)
    const copy = new Database(backup.path, { readonly: true })
    expect(copy.prepare(`SELECT count(*) AS n FROM data_sources WHERE id = 'same-connection'`).get()).toEqual({ n: 1 })
    copy.close()
  })

  it('runs as the db.backup job on the worker thread with the main thread\'s settings, key included', async () => {
    const dir = scratch()
    configureBackups({ dir, keep: 7, key: KEY })
    const result = await runInWorker('db.backup', {}, { dbPath: db.conn.path, timeoutMs: 60_000 })
    expect(result).toMatchObject({ status: 'verified', encrypted: true, integrity: 'ok' })
    expect(readdirSync(dir)).toEqual([result.fileName])
    const out = join(scratch(), 'out.db')
    await decryptFile(String(result.path), out, KEY)
    expect(claimsIn(out)).toEqual(claimsIn(db.conn.path))
  }, 60_000)

  it('keeps the newest NUXT_BACKUP_KEEP backups, pruning older files with their records', async () => {
    db.conn.sqlite.exec('DELETE FROM backups')
    const dir = scratch()
    const taken = []
    for (let i = 0; i < 4; i++) taken.push(await takeBackup({ dir, keep: 2 }))
    expect(taken.map(b => b.pruned)).toEqual([0, 0, 1, 1])
    expect(readdirSync(dir).sort()).toEqual([taken[2]!.fileName, taken[3]!.fileName].sort())
    const listed = listBackups({ limit: 100 }).data
    expect(listed.map(b => b.id)).toEqual([taken[3]!.id, taken[2]!.id])
  })

  it('refuses a file whose checksum differs from its record, and leaves the target as it was', async () => {
    const backup = await takeBackup({ dir: scratch(), keep: 7 })
    const target = join(scratch(), 'portal.db')
    await restoreBackup(backup.path, target)
    // The restored database holds the records of the backups before it: change one of those files.
    const older = listBackups({ limit: 100 }).data.find(b => b.id < backup.id && b.status === 'verified' && existsSync(b.path))!
    const bytes = readFileSync(older.path)
    bytes[bytes.length - 1]! ^= 0xFF
    writeFileSync(older.path, bytes)
    const before = readFileSync(target)
    await expect(restoreBackup(older.path, target)).rejects.toMatchObject({ exitCode: EXIT.unverified, message: expect.stringMatching(/differs from the one recorded/) })
    expect(readFileSync(target).equals(before)).toBe(true)
  })

  it('refuses a file that is not a database', async () => {
    const file = join(scratch(), 'notes.db')
    writeFileSync(file, 'x'.repeat(8192))
    await expect(restoreBackup(file, join(scratch(), 'portal.db'))).rejects.toMatchObject({ exitCode: EXIT.unverified })
  })

  it('cannot take the lock on a database another connection has open in WAL mode', async () => {
    const target = join(scratch(), 'portal.db')
    const holder = new Database(target)
    holder.pragma('journal_mode = WAL')
    holder.exec('CREATE TABLE t (x)')
    expect(() => lockDatabase(target)).toThrow(RestoreError)
    holder.close()
    const lock = lockDatabase(target)!
    expect(existsSync(`${target}-wal`)).toBe(false)
    lock.close()
  })
})

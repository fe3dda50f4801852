// A database the portal cannot open or write ends the start with one line (what, which path, what
// to do) and the exit code of its class (README, "Faults and exit codes"), never a stack trace and
// code 1 that a supervisor would restart forever. File modes do not stop root, so a run as root
// starts the server as `nobody`; the read-only file system needs root (mount) and is skipped
// without it.
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { serverExit, type SpawnOptions } from './spawn-server.ts'

const isRoot = process.getuid?.() === 0
// nobody, where there is one: a user that file modes apply to.
const nobody = isRoot ? { uid: 65534, gid: 65534 } : undefined
const asUser: SpawnOptions = nobody ? { user: nobody } : {}

/** A migrated database in a fresh directory, owned by whoever the server runs as. */
function database(): { dir: string, dbPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-open-'))
  const dbPath = join(dir, 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  closeDatabase()
  handOver(dir)
  return { dir, dbPath }
}

function handOver(dir: string): void {
  if (!nobody) return
  chownSync(dir, nobody.uid, nobody.gid)
  for (const name of ['portal.db', 'portal.db-wal', 'portal.db-shm']) {
    try {
      chownSync(join(dir, name), nobody.uid, nobody.gid)
    }
    catch {}
  }
}

function expectOneLine(output: string, pattern: RegExp): void {
  const lines = output.trim().split('\n')
  expect(lines, output).toHaveLength(1)
  expect(lines[0]).toMatch(/^\[startup\] /)
  expect(lines[0]).toMatch(pattern)
  expect(output).not.toMatch(/^\s+at /m)
}

describe('a database the portal cannot open', () => {
  it('a directory where the file should be: 78 (EX_CONFIG)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-open-'))
    const dbPath = join(dir, 'portal.db')
    mkdirSync(dbPath)
    handOver(dir)
    const { code, output } = await serverExit(dbPath, {}, 30_000, asUser)
    expect(code).toBe(78)
    expectOneLine(output, new RegExp(`NUXT_DATABASE_PATH \\(${dbPath}\\) is a directory, not a database file: set it to a file`))
  }, 60_000)

  it('a file that is not a database: 65 (EX_DATAERR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-open-'))
    const dbPath = join(dir, 'portal.db')
    writeFileSync(dbPath, 'name,amount\nnot,a database\n'.repeat(200))
    handOver(dir)
    const { code, output } = await serverExit(dbPath, {}, 30_000, asUser)
    expect(code).toBe(65)
    expectOneLine(output, new RegExp(`${dbPath} is not a SQLite database, or is damaged \\(SQLITE_NOTADB\\): .*restore a backup`))
  }, 60_000)

  it('a read-only file: 77 (EX_NOPERM), though it opens for reading', async () => {
    const { dbPath } = database()
    chmodSync(dbPath, 0o444)
    const { code, output } = await serverExit(dbPath, {}, 30_000, asUser)
    expect(code).toBe(77)
    expectOneLine(output, new RegExp(`${dbPath} is read-only \\(SQLITE_READONLY\\): give the user the portal runs as .*read and write access`))
  }, 60_000)

  it('a read-only directory (no room for the -wal and -shm files): 77', async () => {
    const { dir, dbPath } = database()
    chmodSync(dir, 0o555)
    const { code, output } = await serverExit(dbPath, {}, 30_000, asUser)
    chmodSync(dir, 0o755)
    expect(code).toBe(77)
    expectOneLine(output, new RegExp(`the database's directory ${dir} is read-only, and SQLite must create portal.db-wal and portal.db-shm there`))
  }, 60_000)

  it('a file it may not read (permission denied): 77', async () => {
    const { dbPath } = database()
    chmodSync(dbPath, 0o000)
    const { code, output } = await serverExit(dbPath, {}, 30_000, asUser)
    expect(code).toBe(77)
    expectOneLine(output, new RegExp(`${dbPath} cannot be read \\(permission denied\\)`))
  }, 60_000)

  it('the same code through npm start (npm and scripts/start.ts pass it on)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-open-'))
    mkdirSync(join(dir, 'portal.db'))
    const { code, output } = await serverExit(join(dir, 'portal.db'), {}, 60_000, { viaNpmStart: true })
    expect(code).toBe(78)
    expect(output).toMatch(/\[startup\] NUXT_DATABASE_PATH \(.*\) is a directory/)
    expect(output).not.toMatch(/^\s+at /m)
  }, 90_000)

  const mountable = isRoot && spawnSync('mount', ['--help']).status === 0
  it.skipIf(!mountable)('a read-only file system (a tmpfs remounted ro): 77', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'portal-rofs-'))
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]).status).toBe(0)
    try {
      const dbPath = join(mountPoint, 'portal.db')
      const conn = initDatabase(dbPath)
      runMigrations(conn)
      closeDatabase()
      expect(spawnSync('mount', ['-o', 'remount,ro', mountPoint]).status).toBe(0)
      // As root: a read-only mount stops root too.
      const { code, output } = await serverExit(dbPath, {})
      expect(code).toBe(77)
      expectOneLine(output, new RegExp(`${dbPath} is on a read-only file system: mount it read-write`))
    }
    finally {
      if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint])
      rmSync(mountPoint, { recursive: true, force: true })
    }
  }, 60_000)
})

// Restoring a backup file over (or into) a database path, for `npm run db:restore`:
//
// 1. verify: decrypt when encrypted (the GCM tag must hold), compare the file's sha256 with its
//    record when the target database has one, and PRAGMA integrity_check the plaintext;
// 2. refuse when another process has the target open: the portal runs in WAL mode, where every
//    open connection holds a SHARED lock on the database file, so an EXCLUSIVE lock taken with no
//    busy wait succeeds only when nobody else has it open. The lock is held until the end;
// 3. put the verified copy in place atomically (written beside the target, fsynced, renamed),
//    after leaving the old file without -wal and -shm, whose pages would otherwise be read as
//    part of the restored database.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { closeDatabase, initDatabase } from '../../database/client.ts'
import type { Sqlite } from '../../database/connection.ts'
import { defineStatement, measured } from '../query/index.ts'
import { checkIntegrity } from './backup.ts'
import { decryptFile, isEncryptedFile } from './encryption.ts'
import { durableRename, sha256File } from './files.ts'
import { findBackupRecord, type Backup } from './records.ts'

/** The restore script's exit codes, one per way it can end. */
export const EXIT = { ok: 0, usage: 2, unverified: 3, inUse: 4, noKey: 5 } as const

export class RestoreError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode: number) {
    super(message)
    this.exitCode = exitCode
  }
}

const takeLock = defineStatement('restore.exclusiveLock', 'BEGIN EXCLUSIVE; COMMIT')
const rollbackJournal = defineStatement('restore.journalModeDelete', 'PRAGMA journal_mode = DELETE')

export interface Verified {
  encrypted: boolean
  sha256: string
  /** The backup's record in the target database, when it has one. */
  record?: Backup
  integrity: 'ok'
}

/** The record of this file in the database at `dbPath`, read-only; undefined when there is none or it cannot be read. */
function recordIn(dbPath: string, fileName: string): Backup | undefined {
  if (!existsSync(dbPath)) return undefined
  try {
    initDatabase(dbPath, { readonly: true, busyTimeoutMs: 0 })
    return findBackupRecord(fileName)
  }
  catch {
    return undefined
  }
  finally {
    closeDatabase()
  }
}

/** Writes the plaintext of `file` to `out` (a new file) and checks it; `out` is removed when it does not pass. */
export async function verifiedPlaintext(file: string, out: string, key: Buffer | undefined, recordsDb?: string): Promise<Verified> {
  if (!existsSync(file)) throw new RestoreError(`${file}: no such file`, EXIT.usage)
  const encrypted = await isEncryptedFile(file)
  if (encrypted && !key) throw new RestoreError(`${file} is encrypted: set NUXT_BACKUP_ENCRYPTION_KEY to the key the portal wrote it with`, EXIT.noKey)
  const sha256 = await sha256File(file)
  const record = recordsDb ? recordIn(recordsDb, basename(file)) : undefined
  if (record?.sha256 && record.sha256 !== sha256) {
    throw new RestoreError(`${file}: its sha256 ${sha256} differs from the one recorded when it was written (${record.sha256}): the file changed since`, EXIT.unverified)
  }
  try {
    if (encrypted) await decryptFile(file, out, key!)
    else await copyFile(file, out)
    const db = new Database(out)
    try {
      // A hand-made copy may be in WAL mode; the restored file is one self-contained file.
      measured(rollbackJournal, db, () => db.prepare(rollbackJournal.sql).get())
      const integrity = checkIntegrity(db)
      if (integrity !== 'ok') throw new RestoreError(`${file}: PRAGMA integrity_check found: ${integrity.slice(0, 500)}`, EXIT.unverified)
    }
    finally {
      db.close()
    }
  }
  catch (error) {
    await rm(out, { force: true })
    if (error instanceof RestoreError) throw error
    throw new RestoreError((error as Error).message.replace(/^file is not a database$/, `${file} is not a SQLite database`), EXIT.unverified)
  }
  return { encrypted, sha256, record, integrity: 'ok' }
}

/**
 * An exclusive lock on `dbPath`, or a RestoreError when another process has it open. The caller
 * closes the connection, which releases the lock. With `force`, a file SQLite cannot read (which
 * a running portal could still hold) is taken without that test.
 */
export function lockDatabase(dbPath: string, force = false): Sqlite | undefined {
  const db = new Database(dbPath, { timeout: 0 })
  try {
    db.pragma('busy_timeout = 0')
    db.pragma('locking_mode = EXCLUSIVE')
    measured(takeLock, db, () => db.exec(takeLock.sql))
    // Checkpoints and removes the -wal while the lock keeps everyone else out.
    measured(rollbackJournal, db, () => db.prepare(rollbackJournal.sql).get())
    return db
  }
  catch (error) {
    db.close()
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new RestoreError(`${dbPath} is open in another process (a running portal?): stop it, then restore`, EXIT.inUse)
    }
    if (force) return undefined
    throw new RestoreError(`${dbPath} cannot be read as a database (${(error as Error).message}), so whether a portal has it open cannot be told: stop the portal and run again with --force`, EXIT.inUse)
  }
}

export interface Restored extends Verified {
  target: string
}

export async function restoreBackup(file: string, target: string, options: { key?: Buffer, force?: boolean } = {}): Promise<Restored> {
  await mkdir(dirname(target), { recursive: true })
  const partial = join(dirname(target), `.${basename(target)}.restore-${process.pid}.partial`)
  // Said at once rather than after decrypting and checking a large file; taken again (and held)
  // for the swap, since the portal could start meanwhile.
  if (existsSync(target)) lockDatabase(target, options.force)?.close()
  try {
    const verified = await verifiedPlaintext(file, partial, options.key, target)
    const lock = existsSync(target) ? lockDatabase(target, options.force) : undefined
    try {
      // Stale files of the old database (a -shm survives the journal switch; a -wal is left when
      // the file could not be read): pages in them would be taken as part of the restored file.
      await rm(`${target}-wal`, { force: true })
      await rm(`${target}-shm`, { force: true })
      await durableRename(partial, target)
    }
    finally {
      lock?.close()
    }
    return { ...verified, target }
  }
  finally {
    await rm(partial, { force: true })
  }
}

// An online backup (the db.backup job, on the job worker thread with its own connection):
//
// 1. SQLite's backup API copies the database page by page into a hidden file in the backup
//    directory. Requests keep reading and writing meanwhile. When another connection writes
//    between two steps, SQLite starts the copy over, so what comes out is always the database as
//    it was at one instant; each restart doubles the step, so under constant writes the copy
//    still ends (at worst in one step, one read transaction).
// 2. The copy is switched to a rollback journal (one self-contained file, no -wal beside it)
//    and must pass PRAGMA integrity_check before it counts.
// 3. With a key it is encrypted into the final file and the plaintext copy is removed; without,
//    the copy itself is renamed into place. Either way the rename is durable (durableRename).
// 4. The backup is recorded in `backups` (a failed one too, without a file), and backups beyond
//    NUXT_BACKUP_KEEP lose their file and their row.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { useConnection } from '../../database/client.ts'
import type { Sqlite } from '../../database/connection.ts'
import { defineStatement, measured } from '../query/index.ts'
import { ENCRYPTED_EXTENSION, encryptFile } from './encryption.ts'
import { durableRename, sha256File } from './files.ts'
import { backupsBeyondKeep, deleteBackupRecord, recordBackup, type Backup } from './records.ts'
import type { BackupSettings } from './settings.ts'

/**
 * Pages copied per step at first (400 KiB at the default page size; better-sqlite3's own default).
 * Each step is a short read transaction, so a checkpoint is never held back for long.
 */
export const FIRST_STEP_PAGES = 100
const PARTIAL = '.partial'

const integrityCheck = defineStatement('backups.integrityCheck', 'PRAGMA integrity_check')
const rollbackJournal = defineStatement('backups.journalModeDelete', 'PRAGMA journal_mode = DELETE')

export class BackupFailed extends Error {}

export interface BackupResult extends Backup {
  /**
   * How many times writes from other connections made SQLite start the copy over, as seen
   * between steps (a restart that the last step completes is not seen).
   */
  restarts: number
  /** Backups removed to keep NUXT_BACKUP_KEEP. */
  pruned: number
}

/** `portal-20260601T073000123Z.db`: sorts by time, unique to the millisecond. */
export function backupFileName(at: number, encrypted: boolean): string {
  const stamp = new Date(at).toISOString().replace(/[-:.]/g, '')
  return `portal-${stamp}.db${encrypted ? ENCRYPTED_EXTENSION : ''}`
}

/** What PRAGMA integrity_check says of a database file: 'ok', or its findings joined. */
export function checkIntegrity(db: Sqlite): string {
  const rows = measured(integrityCheck, db, () => db.prepare(integrityCheck.sql).pluck().all() as string[], r => r.length)
  return rows.join('; ')
}

/** Copies the current connection's database into `dest`; answers how often the copy restarted. */
async function copyDatabase(dest: string, onProgress?: (done: number, total: number) => void): Promise<number> {
  let step = FIRST_STEP_PAGES
  let restarts = 0
  // What should remain after the step just asked for; more means SQLite started over.
  let expected = Number.POSITIVE_INFINITY
  await useConnection().sqlite.backup(dest, {
    progress({ totalPages, remainingPages }) {
      if (remainingPages > expected) {
        restarts++
        step *= 2
      }
      expected = remainingPages - step
      onProgress?.(totalPages - remainingPages, totalPages)
      return step
    },
  })
  return restarts
}

/** A copy that passes counts; the journal switch makes it one file a restore can simply put in place. */
function verifyCopy(path: string): string {
  const db = new Database(path)
  try {
    measured(rollbackJournal, db, () => db.prepare(rollbackJournal.sql).get())
    return checkIntegrity(db)
  }
  finally {
    db.close()
  }
}

/**
 * Hidden partial files a backup cut off by a crash left behind: a plaintext copy, its -journal,
 * -wal or -shm, a half-encrypted file.
 */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith('.portal-') && name.includes(PARTIAL)) await rm(join(dir, name), { force: true })
  }
}

/** Removes the files and rows of backups beyond `keep`; answers how many went. */
async function prune(keep: number): Promise<number> {
  let pruned = 0
  for (const old of backupsBeyondKeep(keep)) {
    await rm(old.path, { force: true })
    deleteBackupRecord(old.id)
    pruned++
  }
  return pruned
}

export async function takeBackup(settings: BackupSettings, onProgress?: (done: number, total: number) => void): Promise<BackupResult> {
  const startedAt = Date.now()
  const started = performance.now()
  // Backups hold patient data: readable by the portal's user only.
  await mkdir(settings.dir, { recursive: true, mode: 0o700 })
  await removeLeftovers(settings.dir)
  const fileName = backupFileName(startedAt, settings.key !== undefined)
  const path = join(settings.dir, fileName)
  const plain = join(settings.dir, `.${fileName}.plain${PARTIAL}`)
  const sealed = join(settings.dir, `.${fileName}${PARTIAL}`)
  let integrity: string | null = null
  const record = (fields: Pick<Backup, 'status' | 'sizeBytes' | 'sha256' | 'error'>) => recordBackup({
    ...fields, path, startedAt, finishedAt: Date.now(), durationMs: Math.round(performance.now() - started), integrity, encrypted: settings.key !== undefined,
  })
  try {
    // SQLite keeps the mode of a file that exists (an empty file is an empty database).
    await writeFile(plain, '', { mode: 0o600, flag: 'wx' })
    const restarts = await copyDatabase(plain, onProgress)
    integrity = verifyCopy(plain)
    if (integrity !== 'ok') throw new BackupFailed(`the copy failed PRAGMA integrity_check: ${integrity.slice(0, 500)}`)
    let written: { sizeBytes: number, sha256: string }
    if (settings.key) {
      written = await encryptFile(plain, sealed, settings.key)
      await rm(plain)
      await durableRename(sealed, path)
    }
    else {
      written = { sizeBytes: (await stat(plain)).size, sha256: await sha256File(plain) }
      await durableRename(plain, path)
    }
    const backup = record({ status: 'verified', ...written, error: null })
    return { ...backup, restarts, pruned: await prune(settings.keep) }
  }
  catch (error) {
    // Recorded so the operations pages show it; the job's own error says why in any case.
    try {
      record({ status: 'failed', sizeBytes: null, sha256: null, error: (error as Error).message.slice(0, 2000) })
      await prune(settings.keep)
    }
    catch {}
    throw error
  }
  finally {
    for (const leftover of [plain, `${plain}-journal`, `${plain}-wal`, `${plain}-shm`, sealed]) await rm(leftover, { force: true })
  }
}

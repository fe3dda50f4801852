// The backups table: one row per backup taken, written by the backup job when it is over.
import { basename } from 'node:path'
import type { BackupStatus } from '../../database/schema.ts'
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery } from '../query/index.ts'

interface Row {
  id: number
  fileName: string
  path: string
  startedAt: number
  finishedAt: number
  sizeBytes: number | null
  durationMs: number
  sha256: string | null
  integrity: string | null
  encrypted: number
  status: BackupStatus
  error: string | null
}

export interface Backup {
  id: number
  fileName: string
  path: string
  /** When the backup was over (the copy is the database as it was then, give or take the copy's time). */
  at: string
  startedAt: string
  finishedAt: string
  sizeBytes: number | null
  durationMs: number
  sha256: string | null
  integrity: string | null
  encrypted: boolean
  status: BackupStatus
  error: string | null
}

export type NewBackup = Omit<Backup, 'id' | 'at' | 'startedAt' | 'finishedAt' | 'fileName'> & { startedAt: number, finishedAt: number }

const COLUMNS = `id, file_name AS fileName, path, started_at AS startedAt, finished_at AS finishedAt, size_bytes AS sizeBytes,
  duration_ms AS durationMs, sha256, integrity, encrypted, status, error`

type InsertParams = Omit<Row, 'id'>
const insert = defineQuery<InsertParams, Row>('backups.insert', `
  INSERT INTO backups (file_name, path, started_at, finished_at, size_bytes, duration_ms, sha256, integrity, encrypted, status, error)
  VALUES (@fileName, @path, @startedAt, @finishedAt, @sizeBytes, @durationMs, @sha256, @integrity, @encrypted, @status, @error) RETURNING ${COLUMNS}`)

const list = defineQuery<{ before: number, limit: number }, Row>('backups.list',
  `SELECT ${COLUMNS} FROM backups WHERE id < @before ORDER BY id DESC LIMIT @limit`)

// Rows of one status past the newest @keep: what pruning removes.
const beyondKeep = defineQuery<{ status: BackupStatus, keep: number }, { id: number, path: string }>('backups.beyondKeep',
  `SELECT id, path FROM backups WHERE status = @status ORDER BY finished_at DESC, id DESC LIMIT -1 OFFSET @keep`)

const remove = defineQuery<{ id: number }, never>('backups.delete', 'DELETE FROM backups WHERE id = @id')

const lastVerified = defineQuery<Record<string, never>, { at: number | null }>('backups.lastVerifiedAt',
  `SELECT max(finished_at) AS at FROM backups WHERE status = 'verified'`)

const byFileName = defineQuery<{ fileName: string }, Row>('backups.byFileName',
  `SELECT ${COLUMNS} FROM backups WHERE file_name = @fileName ORDER BY id DESC LIMIT 1`)

const iso = (ms: number) => new Date(ms).toISOString()

function view(r: Row): Backup {
  return { ...r, at: iso(r.finishedAt), startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt), encrypted: r.encrypted === 1 }
}

export function recordBackup(b: NewBackup): Backup {
  return view(insert.get({ ...b, fileName: basename(b.path), encrypted: b.encrypted ? 1 : 0 })!)
}

/** Newest first, keyset-paged on id (ids grow with time). */
export function listBackups(q: { limit: number, cursor?: string }) {
  const before = q.cursor ? decodeCursor(q.cursor, ['number'] as const)[0] : Number.MAX_SAFE_INTEGER
  const page = keysetPage(list.all({ before, limit: q.limit + 1 }), q.limit, r => [r.id])
  return { data: page.data.map(view), page: page.page }
}

/** Instant (ms) of the newest verified backup, null when there is none. */
export function lastVerifiedBackupAt(): number | null {
  return lastVerified.get({})?.at ?? null
}

export function findBackupRecord(fileName: string): Backup | undefined {
  const row = byFileName.get({ fileName })
  return row ? view(row) : undefined
}

/** The records (with their paths) that pruning to `keep` of each status removes. */
export function backupsBeyondKeep(keep: number): { id: number, path: string }[] {
  return [...beyondKeep.all({ status: 'verified', keep }), ...beyondKeep.all({ status: 'failed', keep })]
}

export function deleteBackupRecord(id: number): void {
  remove.run({ id })
}

// Backup settings (NUXT_BACKUP_DIR, NUXT_BACKUP_KEEP, NUXT_BACKUP_ENCRYPTION_KEY), parsed once at
// start on the main thread and handed to the job worker in its workerData (never in a job's
// payload, which job_runs stores: the key must not reach the database it protects).
import { resolve } from 'node:path'

export const DEFAULT_BACKUP_DIR = 'data/backups'
export const DEFAULT_BACKUP_KEEP = 7
export const KEY_BYTES = 32

export interface BackupSettings {
  /** Absolute, so the worker thread and the records agree whatever the working directory. */
  dir: string
  keep: number
  /** The AES-256-GCM key, or undefined to write plain files. */
  key?: Buffer
}

export class BackupSettingsError extends Error {}

/**
 * 32 bytes as 64 hex digits or as base64 (44 characters with its padding). The message says what
 * was wrong without repeating the value, which is a secret.
 */
export function parseEncryptionKey(text: string | undefined, name = 'NUXT_BACKUP_ENCRYPTION_KEY'): Buffer | undefined {
  const value = (text ?? '').trim()
  if (value === '') return undefined
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex')
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) {
    const key = Buffer.from(value, 'base64')
    if (key.length === KEY_BYTES && key.toString('base64') === value) return key
  }
  throw new BackupSettingsError(`${name} must be ${KEY_BYTES} bytes written as 64 hex digits or as base64 (44 characters, like the output of \`openssl rand -base64 32\`); the value given has ${value.length} characters and is neither`)
}

export function parseBackupKeep(value: unknown): number {
  const text = String(value ?? '').trim()
  if (text === '') return DEFAULT_BACKUP_KEEP
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1) throw new BackupSettingsError(`NUXT_BACKUP_KEEP must be a whole number of backups, at least 1 (got "${text.slice(0, 40)}")`)
  return Number(text)
}

export function parseBackupSettings(raw: { dir?: unknown, keep?: unknown, encryptionKey?: unknown }): BackupSettings {
  const dir = String(raw.dir ?? '').trim() || DEFAULT_BACKUP_DIR
  return { dir: resolve(dir), keep: parseBackupKeep(raw.keep), key: parseEncryptionKey(raw.encryptionKey === undefined ? undefined : String(raw.encryptionKey)) }
}

let current: BackupSettings = parseBackupSettings({})

export function configureBackups(settings: BackupSettings): void {
  current = settings
}

export function backupSettings(): BackupSettings {
  return current
}

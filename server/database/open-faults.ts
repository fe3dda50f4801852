// Why the database cannot be opened for the server, as one line an operator can act on: which
// file, what is wrong with it, what to do, and the exit code of its class (exit-codes.ts).
// SQLite's own codes say little here (a directory and an unreadable file are both
// SQLITE_CANTOPEN), so the file system is asked as well.
import { accessSync, constants, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { EXIT, StartupError } from '../services/lifecycle/exit-codes.ts'
import { storageFaultOf } from '../services/storage/faults.ts'

/** The StartupError for a failure to open, migrate or write `path`; undefined when it is none of the known faults. */
export function openFault(path: string, error: unknown): StartupError | undefined {
  const code = (error as { code?: unknown }).code
  const dir = dirname(path)
  const who = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : ''
  const grant = `give the user the portal runs as${who} read and write access to ${path} and its directory, or set NUXT_DATABASE_PATH to a writable place`
  if (code === 'ENOTDIR' || code === 'EEXIST') return new StartupError(`cannot create the database's directory ${dir}: a file is in the way; set NUXT_DATABASE_PATH to a path in a directory`, EXIT.config)
  if (isDirectory(path)) return new StartupError(`NUXT_DATABASE_PATH (${path}) is a directory, not a database file: set it to a file, e.g. ${join(path, 'portal.db')}`, EXIT.config)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StartupError(`${path} is not a SQLite database, or is damaged (${code}): set NUXT_DATABASE_PATH to the portal's database, restore a backup, or move the file away to start a new one`, EXIT.data)
  }
  const storage = storageFaultOf(error)
  if (storage) return new StartupError(`cannot write ${path}: ${storage.reason}; free space on its file system, then start again`, EXIT.io)
  if (code === 'EROFS' || notWritable(dir) === 'EROFS' || notWritable(path) === 'EROFS') return new StartupError(`${path} is on a read-only file system: mount it read-write, or set NUXT_DATABASE_PATH to a writable place`, EXIT.permission)
  if (code === 'EACCES' || code === 'EPERM') return new StartupError(`permission denied for ${path} (${code}): ${grant}`, EXIT.permission)
  if (typeof code !== 'string' || !/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code)) return undefined
  if (exists(path) && !canAccess(path, constants.R_OK)) return new StartupError(`${path} cannot be read (permission denied): ${grant}`, EXIT.permission)
  // SQLite keeps the -wal and -shm files beside the database, so its directory must be writable too.
  if (code === 'SQLITE_READONLY_DIRECTORY' || notWritable(dir)) {
    return new StartupError(`the database's directory ${dir} is read-only, and SQLite must create ${basename(path)}-wal and ${basename(path)}-shm there: ${grant}`, EXIT.permission)
  }
  return new StartupError(`${path} is read-only (${code}): ${grant}`, EXIT.permission)
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  }
  catch {
    return false
  }
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  }
  catch {
    return false
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode)
    return true
  }
  catch {
    return false
  }
}

/** The error code when `path` exists and may not be written, else undefined. */
function notWritable(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK)
    return undefined
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? undefined : code ?? 'EACCES'
  }
}

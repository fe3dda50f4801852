// A full disk, recognised in whatever error reports it, and remembered until writes work again:
// writes answer 507 with the reason (server/services/errors.ts), /readyz turns 503 and
// /api/v1/admin/health fails its storage check while it lasts. It clears by itself: the storage
// plugin's probe (server/plugins/storage.ts) retries a write that changes nothing every
// NUXT_STORAGE_PROBE_MS while the fault lasts, and the first that commits ends it.

export interface StorageFault {
  /** The code that said so: SQLITE_FULL, SQLITE_IOERR_WRITE, ENOSPC, ... */
  code: string
  /** For a client and an operator: what happened and that nothing was changed. */
  reason: string
  /** When it was first seen (ISO 8601); repeats of the same fault keep the first time. */
  since: string
}

// SQLite answers SQLITE_FULL when a write comes back short (ENOSPC, a quota). A write refused
// outright with another errno (EFBIG past a file-size limit, EDQUOT) is an I/O error of the
// write, of the truncate that grows a file, or of growing the -shm file: the same fault.
const SQLITE_NO_SPACE = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_TRUNCATE', 'SQLITE_IOERR_SHMSIZE'])
// The same fault met by Node's own file writes (a backup, an export to disk).
const ERRNO_NO_SPACE = new Set(['ENOSPC', 'EFBIG', 'EDQUOT'])

/** The fault `error` (or what it wraps) reports, or undefined when it is not a full disk. */
export function storageFaultOf(error: unknown, now: number = Date.now()): StorageFault | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (SQLITE_NO_SPACE.has(code) || ERRNO_NO_SPACE.has(code))) {
      const what = code === 'SQLITE_FULL' || code === 'ENOSPC' ? 'the disk is full' : code === 'EDQUOT' ? 'the disk quota is used up' : code === 'EFBIG' ? 'a file reached its size limit' : 'a write to the database\'s files failed, as it does when the disk is full'
      return { code, reason: `Insufficient storage: ${what} (${code}); nothing was written`, since: new Date(now).toISOString() }
    }
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

let current: StorageFault | undefined

/** Remembers a fault (the first one's time is kept while it lasts); logged once, when it starts. */
export function noteStorageFault(fault: StorageFault): void {
  if (!current) console.error(`[storage] writes refused until space is freed: ${fault.reason}`)
  current = current ? { ...fault, since: current.since } : fault
}

/** Writes work again. */
export function clearStorageFault(): void {
  if (current) console.info(`[storage] writes work again (refused since ${current.since})`)
  current = undefined
}

export function currentStorageFault(): StorageFault | undefined {
  return current
}

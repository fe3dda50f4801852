// Is there room to write again? A write that changes nothing can commit on a disk with one free
// page (the WAL reuses its own space), and so would clear a fault that the next batch meets
// again. So the probe first needs room for a batch beside the database (a file of
// PROBE_HEADROOM_BYTES, written and removed: it meets a full disk, a quota or a file-size limit
// as the database's own files would), then a commit.
import { rmSync, statfsSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Connection } from '../../database/connection.ts'
import { probeWrite } from '../../database/connection.ts'
import { currentStorageFault, storageFaultOf, type StorageFault } from './faults.ts'

/** About what an ingest of a few thousand rows adds to the WAL. */
export const PROBE_HEADROOM_BYTES = 1024 * 1024

/** undefined when writes work; the fault when they still do not; rethrows anything else. */
export function probeStorage(conn: Connection): StorageFault | undefined {
  const headroom = `${conn.path}-space-probe`
  try {
    writeFileSync(headroom, Buffer.alloc(PROBE_HEADROOM_BYTES))
    rmSync(headroom)
    probeWrite(conn.sqlite)
    return undefined
  }
  catch (error) {
    rmSync(headroom, { force: true })
    const fault = storageFaultOf(error)
    if (!fault) throw error
    return fault
  }
}

/**
 * The fault to report now: the one a refused write recorded, or, before any write has failed, a
 * file system with less than PROBE_HEADROOM_BYTES free (one statfs: cheap enough for /readyz).
 */
export function storageFaultNow(dbPath: string, now: number = Date.now()): StorageFault | undefined {
  const recorded = currentStorageFault()
  if (recorded || dbPath === ':memory:') return recorded
  try {
    const { bavail, bsize } = statfsSync(dirname(dbPath))
    const free = bavail * bsize
    if (free >= PROBE_HEADROOM_BYTES) return undefined
    return { code: 'ENOSPC', reason: `Insufficient storage: ${free} bytes free beside the database, under the ${PROBE_HEADROOM_BYTES} a write may need (ENOSPC)`, since: new Date(now).toISOString() }
  }
  catch {
    return undefined
  }
}

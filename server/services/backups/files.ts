// File steps a backup and a restore share: checksums, and making a rename durable.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  }
  finally {
    await handle.close()
  }
}

/**
 * Puts a finished file in place: its bytes reach the disk before the rename, and the directory
 * entry after it, so a power cut leaves either the old file or the whole new one under `to`.
 */
export async function durableRename(from: string, to: string): Promise<void> {
  await fsync(from)
  await rename(from, to)
  await fsync(dirname(to))
}

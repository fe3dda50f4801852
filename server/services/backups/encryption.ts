// Backup files hold patient data, so with a key they are written encrypted: AES-256-GCM from
// node:crypto, streamed (a backup can be larger than memory), a random 96-bit IV per file.
//
//   file = "APBK" 0x01 | IV (12 bytes) | ciphertext | GCM tag (16 bytes)
//
// The 17-byte header is the GCM additional data, so a changed header fails the tag like a changed
// byte of ciphertext. GCM releases plaintext before it has checked the tag: decryptFile writes to
// a path the caller treats as untrusted until the promise resolves, and removes it when it rejects.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

export const ENCRYPTED_EXTENSION = '.enc'
const MAGIC = Buffer.from('APBK')
const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = MAGIC.length + 1 + IV_BYTES

export class BackupFileError extends Error {}

export interface WrittenFile {
  sizeBytes: number
  /** Of the bytes written, hex. */
  sha256: string
}

/** Encrypts `src` into a new file `dest` (which must not exist); answers the size and checksum of what it wrote. */
export async function encryptFile(src: string, dest: string, key: Buffer): Promise<WrittenFile> {
  const iv = randomBytes(IV_BYTES)
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), iv])
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(header)
  const hash = createHash('sha256')
  let sizeBytes = 0
  const out = (chunk: Buffer) => {
    hash.update(chunk)
    sizeBytes += chunk.length
    return chunk
  }
  await pipeline(createReadStream(src), async function* (source: AsyncIterable<Buffer>) {
    yield out(header)
    for await (const chunk of source) yield out(cipher.update(chunk))
    yield out(cipher.final())
    yield out(cipher.getAuthTag())
  }, createWriteStream(dest, { flags: 'wx', mode: 0o600 }))
  return { sizeBytes, sha256: hash.digest('hex') }
}

/** True when the file starts with this format's header (whatever its name says). */
export async function isEncryptedFile(path: string): Promise<boolean> {
  const file = await open(path, 'r')
  try {
    const head = Buffer.alloc(MAGIC.length)
    const { bytesRead } = await file.read(head, 0, head.length, 0)
    return bytesRead === MAGIC.length && head.equals(MAGIC)
  }
  finally {
    await file.close()
  }
}

/**
 * Decrypts `src` into a new file `dest`. Rejects with a BackupFileError (and leaves no `dest`)
 * when the file is not in this format, was altered, or the key is not the one it was written with.
 */
export async function decryptFile(src: string, dest: string, key: Buffer): Promise<void> {
  const file = await open(src, 'r')
  let header: Buffer
  let tag: Buffer
  let size: number
  try {
    size = (await file.stat()).size
    if (size < HEADER_BYTES + TAG_BYTES) throw new BackupFileError(`${src} is too short to be an encrypted backup`)
    header = Buffer.alloc(HEADER_BYTES)
    tag = Buffer.alloc(TAG_BYTES)
    await file.read(header, 0, HEADER_BYTES, 0)
    await file.read(tag, 0, TAG_BYTES, size - TAG_BYTES)
  }
  finally {
    await file.close()
  }
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupFileError(`${src} is not an encrypted backup (no APBK header)`)
  if (header[MAGIC.length] !== VERSION) throw new BackupFileError(`${src} is an encrypted backup of format ${header[MAGIC.length]}, this portal reads format ${VERSION}`)
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length + 1))
  decipher.setAAD(header)
  decipher.setAuthTag(tag)
  try {
    // `end` is inclusive: everything between the header and the tag.
    await pipeline(createReadStream(src, { start: HEADER_BYTES, end: size - TAG_BYTES - 1 }), decipher, createWriteStream(dest, { flags: 'wx', mode: 0o600 }))
  }
  catch (error) {
    // An existing `dest` is not ours to remove.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error
    await rm(dest, { force: true })
    throw new BackupFileError(`${src} did not decrypt: the file was altered, or NUXT_BACKUP_ENCRYPTION_KEY is not the key it was written with`)
  }
}

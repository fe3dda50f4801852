// `npm run db:restore -- FILE [--db PATH] [--force]`: verifies a backup file and restores it over
// the database (default NUXT_DATABASE_PATH, else data/portal.db), refusing while a process has
// that database open. `npm run db:restore -- --decrypt-only FILE OUT` writes the decrypted (and
// checked) database to OUT and touches nothing else. An encrypted file needs the key it was
// written with in NUXT_BACKUP_ENCRYPTION_KEY. Exit codes: server/services/backups/restore.ts EXIT.
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { EXIT, restoreBackup, RestoreError, verifiedPlaintext, type Verified } from '../server/services/backups/restore.ts'
import { BackupSettingsError, parseEncryptionKey } from '../server/services/backups/settings.ts'
import { databasePath } from './lib/cli.ts'

const USAGE = 'usage: npm run db:restore -- FILE [--db PATH] [--force]\n       npm run db:restore -- --decrypt-only FILE OUT'

function describe(file: string, v: Verified): string {
  const checksum = v.record
    ? `sha256 ${v.sha256} matches its record (taken ${v.record.at})`
    : `sha256 ${v.sha256} (no record of this file to compare with)`
  return `${file}: ${v.encrypted ? 'decrypted (authentication tag ok), ' : ''}${checksum}, integrity_check ok`
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ allowPositionals: true, options: { 'db': { type: 'string' }, 'force': { type: 'boolean' }, 'decrypt-only': { type: 'boolean' }, 'help': { type: 'boolean' } } })
  }
  catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return EXIT.usage
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.info(USAGE)
    return EXIT.ok
  }
  const wanted = values['decrypt-only'] ? 2 : 1
  if (positionals.length !== wanted) {
    console.error(USAGE)
    return EXIT.usage
  }
  let key: Buffer | undefined
  try {
    key = parseEncryptionKey(process.env.NUXT_BACKUP_ENCRYPTION_KEY)
  }
  catch (error) {
    if (!(error instanceof BackupSettingsError)) throw error
    console.error(error.message)
    return EXIT.noKey
  }
  const [file, out] = positionals as [string, string | undefined]
  try {
    if (out !== undefined) {
      if (existsSync(out)) throw new RestoreError(`${out} exists: name a new file`, EXIT.usage)
      console.info(describe(file, await verifiedPlaintext(file, out, key)))
      console.info(`wrote ${out}`)
      return EXIT.ok
    }
    const restored = await restoreBackup(file, databasePath(values.db), { key, force: values.force })
    console.info(describe(file, restored))
    console.info(`restored ${restored.target}`)
    return EXIT.ok
  }
  catch (error) {
    if (!(error instanceof RestoreError)) throw error
    console.error(error.message)
    return error.exitCode
  }
}

process.exitCode = await main()

// Backup settings (NUXT_BACKUP_DIR, NUXT_BACKUP_KEEP, NUXT_BACKUP_ENCRYPTION_KEY): parsed at start,
// so a key that could never work stops the start with one clear line instead of failing every
// night's backup; the job worker receives them from the main thread (worker-host.ts).
import { exitOnStartupError, StartupError } from '../services/lifecycle/exit-codes.ts'
import { BackupSettingsError, configureBackups, parseBackupSettings } from '../services/backups/settings.ts'

export default defineNitroPlugin(() => {
  const config = useRuntimeConfig()
  try {
    configureBackups(parseBackupSettings({ dir: config.backupDir, keep: config.backupKeep, encryptionKey: config.backupEncryptionKey }))
  }
  catch (error) {
    exitOnStartupError(error instanceof BackupSettingsError ? new StartupError(error.message) : error)
  }
})

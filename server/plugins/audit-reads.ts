// Writes the buffered read-audit rows every second and at shutdown (server/services/audit/reads.ts).
// Its close hook is registered before the database plugin's (plugins load in name order), so the
// last rows are written before the connection closes.
import { startReadAuditFlusher, stopReadAuditFlusher } from '../services/audit/reads.ts'

export default defineNitroPlugin((nitroApp) => {
  startReadAuditFlusher()
  nitroApp.hooks.hook('close', () => stopReadAuditFlusher())
})

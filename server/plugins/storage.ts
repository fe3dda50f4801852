// Recovery from a full disk without a restart: while writes are refused (a write answered 507,
// server/services/storage/faults.ts), the probe (services/storage/probe.ts) runs every
// NUXT_STORAGE_PROBE_MS; the first that finds room clears the fault, and /readyz is ready again.
import { isDatabaseOpen, useConnection } from '../database/client.ts'
import { clearStorageFault, currentStorageFault, noteStorageFault } from '../services/storage/faults.ts'
import { probeStorage } from '../services/storage/probe.ts'

export default defineNitroPlugin((nitroApp) => {
  const timer = setInterval(() => {
    if (!currentStorageFault() || !isDatabaseOpen()) return
    try {
      const fault = probeStorage(useConnection())
      if (fault) noteStorageFault(fault)
      else clearStorageFault()
    }
    catch (error) {
      console.warn(`[storage] the probe failed: ${(error as Error).message}`)
    }
  }, Number(useRuntimeConfig().storageProbeMs))
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})

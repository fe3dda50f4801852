// The built server's entry: Nitro's node-server entry (nitropack's
// dist/presets/node/runtime/node-server.mjs) with the portal's shutdown in place of Nitro's, which
// resets requests it has already received (server/services/lifecycle/shutdown.ts says how).
// Nitro's NITRO_SHUTDOWN_* settings are therefore not read: NUXT_SHUTDOWN_TIMEOUT_MS is the budget.
// Used for builds only (nuxt.config.ts); `nuxt dev` keeps Nitro's dev server.
import '#nitro-internal-pollyfills'
import { Server as HttpServer } from 'node:http'
import { Server as HttpsServer } from 'node:https'
import { toNodeListener } from 'h3'
import { useNitroApp, useRuntimeConfig } from 'nitropack/runtime'
import { startScheduleRunner, trapUnhandledNodeErrors } from 'nitropack/runtime/internal/index'
import { handleShutdown } from './services/lifecycle/shutdown.ts'

const cert = process.env.NITRO_SSL_CERT
const key = process.env.NITRO_SSL_KEY
// Runs the plugins: the database is open and migrated (or the start ended) before anything listens.
const nitroApp = useNitroApp()
const listener = toNodeListener(nitroApp.h3App)
const server = cert && key ? new HttpsServer({ key, cert }, listener) : new HttpServer(listener)
const port = Number(process.env.NITRO_PORT || process.env.PORT || 3000)
const host = process.env.NITRO_HOST || process.env.HOST
const socketPath = process.env.NITRO_UNIX_SOCKET

// Before listening: the shutdown counts every connection from the first.
handleShutdown(server, {
  timeoutMs: Number(useRuntimeConfig().shutdownTimeoutMs),
  close: () => nitroApp.hooks.callHook('close'),
})

server.listen(socketPath ? { path: socketPath } : { port, host }, () => {
  const address = server.address()
  if (typeof address === 'string' || !address) {
    console.log(`Listening on unix socket ${address}`)
    return
  }
  const baseURL = (useRuntimeConfig().app.baseURL || '').replace(/\/$/, '')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  console.log(`Listening on ${cert && key ? 'https' : 'http'}://${host}:${address.port}${baseURL}`)
})
server.on('error', (error) => {
  console.error(`[server] cannot listen: ${error.message}`)
  process.exit(1)
})

trapUnhandledNodeErrors()
startScheduleRunner()

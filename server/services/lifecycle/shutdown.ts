// SIGTERM and SIGINT: stop accepting, answer every request already received, then close (the
// job runner, worker threads, buffered telemetry, the database) and exit 0, all within the
// budget; past it, exit 124 saying what was still pending.
//
// In place of Nitro's own shutdown (nitropack's http-graceful-shutdown), which resets requests it
// has received: it closes the listening socket in the signal's own tick, so connections still in
// the kernel's accept queue are reset, and it takes a connection that has not been read yet for
// an idle one and destroys it (so does Node's server.close(), through closeIdleConnections).
// While a busy event loop has not read them, such requests are in flight to the client. Here the
// accept queue is drained and every accepted connection read before the listener closes; only
// then are idle keep-alive connections closed; the active ones are answered with
// `Connection: close`, and closed once their response is written out.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Server as TlsServer } from 'node:tls'
import { EXIT } from './exit-codes.ts'

export interface ShutdownOptions {
  /** The whole budget: draining requests and `close` (NUXT_SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number
  /** Runs once the last request is answered: stops jobs and workers, flushes, closes the database. */
  close: () => Promise<void>
  log?: (line: string) => void
  exit?: (code: number) => void
}

/** A turn of the event loop reads what the kernel holds; a few more if connections keep arriving. */
const MAX_ACCEPT_TURNS = 50

export function handleShutdown(server: Server, options: ShutdownOptions, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): (signal: string) => Promise<void> {
  const log = options.log ?? console.info
  const exit = options.exit ?? ((code: number) => process.exit(code))
  // The responses under way on each connection (more than one when a client pipelines).
  const connections = new Map<Socket, Set<ServerResponse>>()
  let accepted = 0
  let stopping: Promise<void> | undefined
  let step = 'answering the requests already received'

  server.on('connection', () => accepted++)
  // For https the requests' socket is the TLS one, which 'secureConnection' hands over.
  server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections.set(socket, new Set())
    socket.once('close', () => connections.delete(socket))
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const active = connections.get(req.socket)
    active?.add(res)
    if (stopping && !res.headersSent) res.setHeader('Connection', 'close')
    res.once('close', () => {
      active?.delete(res)
      // A keep-alive response whose headers were already sent when the stop began: its
      // connection is closed now that it is answered in full.
      if (stopping && active?.size === 0) req.socket.end()
    })
  })

  const running = () => [...connections.values()].reduce((n, responses) => n + responses.size, 0)
  const pending = () => {
    const methods = new Map<string, number>()
    for (const responses of connections.values()) {
      for (const res of responses) methods.set(res.req.method ?? '?', (methods.get(res.req.method ?? '?') ?? 0) + 1)
    }
    // Methods only: a path or query can name a patient.
    const running = [...methods].map(([method, n]) => `${method} ×${n}`).join(', ')
    return running ? `${step}; still running: ${running}` : step
  }

  const stop = async (signal: string) => {
    const started = Date.now()
    const budget = setTimeout(() => {
      log(`[shutdown] gave up after ${options.timeoutMs} ms (NUXT_SHUTDOWN_TIMEOUT_MS) while ${pending()}`)
      exit(EXIT.shutdownTimeout)
    }, options.timeoutMs)
    await acceptWhatArrived(() => accepted)
    // net's close, not http's: http's also destroys every connection whose parser is idle, which
    // includes one whose response has been ended but is still being written out.
    const closed = new Promise<void>(resolve => NetServer.prototype.close.call(server, () => resolve()))
    for (const [socket, responses] of connections) {
      if (responses.size === 0) socket.destroy()
      for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close')
    }
    log(`[shutdown] ${signal}: no new connections; answering the ${running()} request(s) already received`)
    await closed
    step = 'closing (job runner, worker threads, buffered audit records, database checkpoint)'
    try {
      await options.close()
    }
    catch (error) {
      log(`[shutdown] closing failed: ${(error as Error).message}`)
      clearTimeout(budget)
      exit(1)
      return
    }
    clearTimeout(budget)
    log(`[shutdown] done in ${Date.now() - started} ms`)
    exit(0)
  }

  const shutdown = (signal: string) => (stopping ??= stop(signal))
  for (const signal of signals) process.on(signal, () => void shutdown(signal))
  return shutdown
}

/**
 * Lets the event loop accept the connections the kernel has queued and read the requests they
 * carry: at least two turns (a connection accepted in one turn is read in the next), and more
 * while connections keep arriving.
 */
async function acceptWhatArrived(accepted: () => number): Promise<void> {
  for (let turn = 0, before = -1; turn < MAX_ACCEPT_TURNS && (turn < 2 || accepted() !== before); turn++) {
    before = accepted()
    await nextTurn()
  }
}

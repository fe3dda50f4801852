// The drain on a plain http server: an idle keep-alive connection is closed at once, a request
// under way is answered in full with `Connection: close`, new connections are refused, and a
// request that outlives the budget makes it exit 124 naming what was running.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import { handleShutdown } from '../../server/services/lifecycle/shutdown.ts'

const servers: http.Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections()
})

function serve(delayMs: number, timeoutMs: number) {
  const server = http.createServer((req, res) => setTimeout(() => res.end('x'.repeat(100_000)), req.url === '/slow' ? delayMs : 0))
  servers.push(server)
  const lines: string[] = []
  let exit!: (code: number) => void
  const exited = new Promise<number>(resolve => (exit = resolve))
  // No signals: the test calls shutdown itself.
  const shutdown = handleShutdown(server, { timeoutMs, close: async () => void lines.push('closed'), log: line => lines.push(line), exit }, [])
  return { server, lines, exited, shutdown }
}

function get(port: number, path: string, agent: http.Agent | false): Promise<{ status?: number, bytes?: number, connection?: string, error?: string }> {
  return new Promise((done) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('end', () => done({ status: res.statusCode, bytes, connection: res.headers.connection }))
    }).on('error', e => done({ error: (e as NodeJS.ErrnoException).code }))
  })
}

async function listening(server: http.Server): Promise<number> {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return (server.address() as AddressInfo).port
}

it('closes idle keep-alive connections, answers the active ones in full and refuses new ones', async () => {
  const { server, lines, exited, shutdown } = serve(300, 5000)
  const port = await listening(server)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
  await Promise.all([1, 2, 3, 4].map(() => get(port, '/fast', agent)))
  const idle = Object.values(agent.freeSockets).flat()
  expect(idle).toHaveLength(4)
  const slow = [get(port, '/slow', agent), get(port, '/slow', false)]
  await new Promise(r => setTimeout(r, 50))
  void shutdown('SIGTERM')
  await new Promise(r => setTimeout(r, 50))
  expect(await get(port, '/fast', false)).toEqual({ error: 'ECONNREFUSED' })
  // The three idle keep-alive connections are closed; the fourth carries a slow request.
  expect(idle.filter(s => s!.destroyed)).toHaveLength(3)
  expect(await Promise.all(slow)).toEqual([{ status: 200, bytes: 100_000, connection: 'close' }, { status: 200, bytes: 100_000, connection: 'close' }])
  expect(await exited).toBe(0)
  expect(lines).toEqual(['[shutdown] SIGTERM: no new connections; answering the 2 request(s) already received', 'closed', expect.stringMatching(/^\[shutdown\] done in \d+ ms$/)])
  agent.destroy()
})

it('exits 124 past the budget, saying what was still running', async () => {
  const { server, lines, exited, shutdown } = serve(2000, 200)
  const port = await listening(server)
  void get(port, '/slow', false)
  await new Promise(r => setTimeout(r, 50))
  void shutdown('SIGTERM')
  expect(await exited).toBe(124)
  expect(lines.at(-1)).toBe('[shutdown] gave up after 200 ms (NUXT_SHUTDOWN_TIMEOUT_MS) while answering the requests already received; still running: GET ×1')
})

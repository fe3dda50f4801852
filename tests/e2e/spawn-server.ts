// A second portal process on the same database (for multi-process tests): @nuxt/test-utils starts
// one server per file, so this one is the built .output started directly, on Node 24.
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { ADMIN_KEY, TEST_RATE_LIMITS } from './portal.ts'

const ROOT = resolve(import.meta.dirname, '../..')

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const port = (server.address() as { port: number }).port
  await new Promise(done => server.close(done))
  return port
}

export interface SpawnedServer {
  url: string
  log: () => string
  stop: () => Promise<void>
  /** Sends the signal and waits until the process has exited. */
  kill: (signal: NodeJS.Signals) => Promise<void>
}

function start(port: number, dbPath: string, env: Record<string, string>): { child: ChildProcess, output: () => string } {
  const child: ChildProcess = spawn(resolve(ROOT, 'node_modules/.bin/node'), [resolve(ROOT, '.output/server/index.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NUXT_DATABASE_PATH: dbPath, NUXT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, NUXT_SEED_DEMO: 'false', ...TEST_RATE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  return { child, output: () => output }
}

/** Starts a server that is expected to refuse to start: its exit code and what it printed. */
export async function serverExit(dbPath: string, env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null, output: string }> {
  const port = await freePort()
  const { child, output } = start(port, dbPath, env)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>(done => child.once('exit', done))
  clearTimeout(timer)
  // A server that did start is killed at the timeout: its code is then null.
  return { code, output: output() }
}

export async function spawnServer(dbPath: string, env: Record<string, string>): Promise<SpawnedServer> {
  const port = await freePort()
  const { child, output: log } = start(port, dbPath, env)
  // With NITRO_SSL_CERT and NITRO_SSL_KEY the server speaks https only (and its certificate is the test's own).
  const tls = Boolean(env.NITRO_SSL_CERT)
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the second server exited: ${log()}`)
    try {
      if (tls ? (await httpsGet(`${url}/healthz`)).status === 200 : (await fetch(`${url}/healthz`)).ok) break
    }
    catch {}
    if (Date.now() > deadline) throw new Error(`the second server did not start: ${log()}`)
    await new Promise(r => setTimeout(r, 100))
  }
  return {
    url,
    log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(done => child.once('exit', done))
      child.kill('SIGTERM')
      await exited
    },
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(done => child.once('exit', done))
      child.kill(signal)
      await exited
    },
  }
}

/** A GET over https that accepts the test's self-signed certificate (fetch cannot be told to). */
export function httpsGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { body += chunk })
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

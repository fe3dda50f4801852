// A second portal process on the same database (for multi-process tests): @nuxt/test-utils starts
// one server per file, so this one is the built .output started directly, on Node 24.
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
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
  pid: number
  log: () => string
  stop: () => Promise<void>
  /** Sends a signal; resolves with how the process ended. */
  kill: (signal: NodeJS.Signals) => Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export interface SpawnOptions {
  /** Runs the server as this user (a test run as root, where file modes do not stop root). */
  user?: { uid: number, gid: number }
  /** A file-size limit (RLIMIT_FSIZE, in KiB), set by `ulimit -f` in a shell that then runs the server. */
  fileSizeLimitKb?: number
  /** `npm start` (npm, then scripts/start.ts, then the built server) rather than the built server directly. */
  viaNpmStart?: boolean
}

// Every server still running when the test file's process ends is killed with it: a file whose
// setup failed (one of three servers did not start) never reaches its afterAll, and a server it
// leaves behind keeps its port and its database for the rest of the run.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function start(port: number, dbPath: string, env: Record<string, string>, options: SpawnOptions = {}): { child: ChildProcess, output: () => string } {
  const node = resolve(ROOT, 'node_modules/.bin/node')
  const entry = resolve(ROOT, '.output/server/index.mjs')
  // bash counts `ulimit -f` in KiB (POSIX sh in 512-byte blocks): bash is named, not sh.
  const [command, args] = options.viaNpmStart
    ? ['npm', ['start', '--silent']]
    : options.fileSizeLimitKb === undefined
      ? [node, [entry]]
      : ['bash', ['-c', `ulimit -S -f ${options.fileSizeLimitKb} && exec "$0" "$1"`, node, entry]]
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NUXT_DATABASE_PATH: dbPath, NUXT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, NUXT_SEED_DEMO: 'false', NUXT_BACKUP_DIR: join(dirname(dbPath), 'backups'), ...TEST_RATE_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options.user,
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  return { child, output: () => output }
}

/** Starts a server that is expected to refuse to start: its exit code and what it printed. */
export async function serverExit(dbPath: string, env: Record<string, string>, timeoutMs = 30_000, options: SpawnOptions = {}): Promise<{ code: number | null, output: string }> {
  const port = await freePort()
  const { child, output } = start(port, dbPath, env, options)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>(done => child.once('exit', done))
  clearTimeout(timer)
  // A server that did start is killed at the timeout: its code is then null.
  return { code, output: output() }
}

export async function spawnServer(dbPath: string, env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedServer> {
  const port = await freePort()
  const { child, output: log } = start(port, dbPath, env, options)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(done => child.once('exit', (code, signal) => done({ code, signal })))
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
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the second server did not start: ${log()}`)
    }
    await new Promise(r => setTimeout(r, 100))
  }
  return {
    url,
    pid: child.pid!,
    log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
    kill: (signal) => {
      child.kill(signal)
      return exited
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

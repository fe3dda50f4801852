// Processes the bench serves from: the built portal (.output/server/index.mjs) on a given
// database, or the bare node:http server of the physical-limit scenario, each pinned to the
// server core, listening on a free port, and stopped (SIGTERM, then SIGKILL) when done or when
// the bench exits.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { SERVER_ENTRY, PROJECT_ROOT } from '../../lib/build.ts'
import { pinned, type Pinning } from './machine.ts'

export interface RunningServer {
  origin: string
  pid: number
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMs(): number
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
// Interrupted: exit through the handler above, so no server outlives the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** utime + stime from /proc/<pid>/stat (clock ticks, 100 a second on Linux); NaN elsewhere. */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  }
  catch {
    return Number.NaN
  }
}

export async function startProcess(pinning: Pinning, script: string, args: string[], env: Record<string, string>, readyPath: string): Promise<RunningServer> {
  const port = await freePort()
  const [command, argv] = pinned(pinning, pinning.serverCore, process.execPath, [script, ...args])
  const child = spawn(command, argv, {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
  })
  running.add(child)
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>(resolve => child.once('exit', () => (running.delete(child), resolve())))
  const origin = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it was ready:\n${log}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${script} was not ready within 120 s:\n${log}`)
    }
    try {
      if ((await fetch(origin + readyPath)).ok) break
    }
    catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 200))
  }

  return {
    origin,
    pid: child.pid!,
    cpuMs: () => procCpuMs(child.pid!),
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** The built portal on `dbPath`: no demo seed, the bench's admin key made at start (plus any `env`). */
export function startPortal(pinning: Pinning, dbPath: string, adminKey: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startProcess(pinning, SERVER_ENTRY, [], {
    NUXT_DATABASE_PATH: dbPath,
    NUXT_SEED_DEMO: 'false',
    NUXT_BOOTSTRAP_ADMIN_KEY: adminKey,
    // The bench drives one key far past a client's limit; the limiter still runs (and costs what it costs).
    NUXT_RATE_LIMIT_PER_MINUTE: '1000000000',
    NUXT_RATE_LIMIT_ANON_PER_MINUTE: '1000000000',
    ...env,
  }, '/readyz')
}

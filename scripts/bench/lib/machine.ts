// What the bench ran on, and where each process runs. On a 2-core machine the server gets core 0
// and everything that makes load (autocannon, the bench itself) gets core 1, so the load
// generator never steals the server's CPU. Without taskset (or with one core) it runs unpinned
// and says so in the report. Cores are counted with os.cpus(), not availableParallelism(), which
// would shrink to 1 once this process has pinned itself.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import type { Machine } from './report.ts'

export interface Pinning {
  enabled: boolean
  serverCore: number
  loadCore: number
  /** One line for the report. */
  description: string
}

export function detectPinning(): Pinning {
  const cores = cpus().length
  const taskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' })
  if (taskset.error || taskset.status !== 0) {
    return { enabled: false, serverCore: 0, loadCore: 0, description: 'Not pinned: taskset is not installed (apt-get install util-linux), so server and load generator share the cores.' }
  }
  if (cores < 2) {
    return { enabled: false, serverCore: 0, loadCore: 0, description: 'Not pinned: one core only, so server and load generator share it.' }
  }
  return { enabled: true, serverCore: 0, loadCore: 1, description: 'Server pinned to core 0, load generator and in-process measurements to core 1 (taskset).' }
}

/** The command and arguments that run `command args` on one core (or unpinned). */
export function pinned(pinning: Pinning, core: number, command: string, args: readonly string[]): [string, string[]] {
  return pinning.enabled ? ['taskset', ['-c', String(core), command, ...args]] : [command, [...args]]
}

/** Moves this process (the bench: in-process measurements and the orchestration) to the load core. */
export function pinSelf(pinning: Pinning): void {
  if (pinning.enabled) spawnSync('taskset', ['-p', '-c', String(pinning.loadCore), String(process.pid)], { stdio: 'ignore' })
}

export function machineInfo(pinning: Pinning): Machine {
  let cpuModel = 'unknown CPU'
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel
  }
  catch {
    // not Linux: keep "unknown CPU"
  }
  return { nproc: cpus().length, cpuModel, node: process.version, platform: `${process.platform}-${process.arch}`, pinning: pinning.description }
}

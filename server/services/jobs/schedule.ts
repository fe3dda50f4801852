// The schedule of recurring jobs, from configuration (NUXT_JOB_SCHEDULE):
//   correlations.recompute=1d,rollups.check=6h,integrity.check=1d,db.optimize=6h,retention=1d,db.backup=1d
// Each entry runs a task every interval (ms, s, m, h or d). `off` (or an empty value) schedules
// nothing. A task is due when its interval has passed since it was last queued, or since the
// process started if it never was, so restarts neither skip nor repeat runs. `jobs.retention`,
// the task's name before retention covered more than job runs, still reads as `retention`.
import { JOB_TASKS, type JobTask } from './queue.ts'

export const DEFAULT_SCHEDULE = 'correlations.recompute=1d,rollups.check=6h,integrity.check=1d,db.optimize=6h,retention=1d,db.backup=1d'

export interface ScheduleEntry {
  task: JobTask
  everyMs: number
}

const ALIASES: Record<string, JobTask> = { 'jobs.retention': 'retention' }

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export class ScheduleError extends Error {}

export function parseSchedule(text: string): ScheduleEntry[] {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed === 'off') return []
  return trimmed.split(',').map((part) => {
    const match = /^\s*([a-z_.]+)\s*=\s*(\d+)\s*(ms|s|m|h|d)\s*$/.exec(part)
    if (!match) throw new ScheduleError(`job schedule: "${part}" is not task=interval (like db.optimize=6h)`)
    const [, named, amount, unit] = match
    const task = ALIASES[named!] ?? named
    if (!(JOB_TASKS as readonly string[]).includes(task!)) throw new ScheduleError(`job schedule: unknown task "${task}" (known: ${JOB_TASKS.join(', ')})`)
    const everyMs = Number(amount) * UNIT_MS[unit!]!
    if (everyMs < 1000) throw new ScheduleError(`job schedule: ${task} runs at most once a second`)
    return { task: task as JobTask, everyMs }
  })
}

/** The entries due at `now`. */
export function dueEntries(entries: ScheduleEntry[], now: number, startedAt: number, lastQueuedAt: (task: JobTask) => number | null): ScheduleEntry[] {
  return entries.filter(e => now - (lastQueuedAt(e.task) ?? startedAt) >= e.everyMs)
}

/** How often to look at the schedule: often enough for the shortest interval, at most every 30 s. */
export function checkEveryMs(entries: ScheduleEntry[]): number {
  return Math.max(250, Math.min(30_000, ...entries.map(e => Math.floor(e.everyMs / 4))))
}

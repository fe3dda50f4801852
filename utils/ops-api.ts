// Reading the answers of /api/v1/admin/jobs and /alerts, whose item fields API.md leaves open:
// the pages show the fields these functions find and the rest as text.
export interface JobRun {
  id: number | string
  task: string
  status: string
  attempts?: number
  queuedAt?: string | null
  startedAt?: string | null
  finishedAt?: string | null
  durationMs?: number | null
  error?: string | null
  result?: { progress?: { done: number, total: number } } | null
}

/** A running job's progress as "3 / 24", when it reports one. */
export function jobProgress(run: JobRun): string | undefined {
  const p = run.result?.progress
  return run.status === 'running' && p && p.total > 0 ? `${p.done} / ${p.total}` : undefined
}

/** The runs in a jobs answer: `{ data: [...] }`, `{ jobs: [...] }` or a bare list. */
export function jobRuns(answer: unknown): JobRun[] {
  if (Array.isArray(answer)) return answer as JobRun[]
  const a = answer as { data?: unknown, jobs?: unknown, runs?: unknown } | null
  const list = a?.data ?? a?.jobs ?? a?.runs
  return Array.isArray(list) ? (list as JobRun[]) : []
}

/** One line for an alert event: its name and the fields that say when and how far off. */
export function describeAlert(event: Record<string, unknown>): { name: string, detail: string } {
  const name = String(event.name ?? event.rule ?? 'alert')
  const skip = new Set(['name', 'rule'])
  const detail = Object.entries(event)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v)}`)
    .join(' · ')
  return { name, detail }
}

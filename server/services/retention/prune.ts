// The retention run (job `retention`, on the job worker thread): deletes what each policy says is
// past its age, in chunks. Each chunk is one short IMMEDIATE transaction deleting at most `limit`
// rows along the table's age index, sized from the time the previous one held the write lock,
// and followed by a pause at least as long, so a request's write waits at most about one chunk.
// Figures in PERFORMANCE_TUNING.md (Retention).
import { DAY_MS, dayStart, utcDay } from '../days.ts'
import { defineQuery, inTransaction, type NamedQuery } from '../query/index.ts'
import { RETENTION_POLICIES, type DeletedRow, type RetentionPolicy } from './policies.ts'
import type { RetentionDays, RetentionDaysBySetting } from './settings.ts'

export interface ChunkSizing {
  /** The lock time a chunk aims at; the next chunk's row limit follows from the last one's time. */
  targetMs: number
  firstRows: number
  minRows: number
  maxRows: number
  /** The pause after a chunk: at least this, and at least as long as the chunk held the lock. */
  pauseMs: number
}

// 20 ms aimed at leaves room under the ~50 ms a chunk may hold the lock when the disk stalls or
// the worker thread (nice 10) is descheduled mid-chunk; 50 ms between chunks is longer than the
// longest sleep of SQLite's busy handler in its first 100 ms of waiting, so a waiting writer
// always wakes into a free lock.
export const CHUNK_SIZING: ChunkSizing = { targetMs: 20, firstRows: 100, minRows: 50, maxRows: 20_000, pauseMs: 50 }

/** A chunk holding the lock longer than this is counted in `slowChunks`: a writer may have noticed it. */
export const SLOW_CHUNK_MS = 50

/**
 * A run stops starting chunks after this long (the rest goes at the next run), well inside the
 * default NUXT_JOB_TIMEOUT_MS of 30 minutes, so a first run over years of backlog ends as a
 * success with `unfinished` rather than being stopped and retried.
 */
export const RUN_BUDGET_MS = 20 * 60_000

export interface PolicyRun {
  name: string
  table: string
  days: RetentionDays
  /** The instant rows older than this go (ISO), null when the policy keeps everything. */
  cutoff: string | null
  deleted: number
  chunks: number
  longestChunkMs: number
  /** Chunks that held the lock longer than SLOW_CHUNK_MS. */
  slowChunks: number
  /** True when the run's time budget ran out before this policy's rows did. */
  unfinished: boolean
  [extra: string]: unknown
}

export interface RetentionRun {
  policies: PolicyRun[]
  /** Rows deleted per table, the rollup rows that went with their points included. */
  deleted: Record<string, number>
  /** The longest any chunk held the write lock, over every policy. */
  longestChunkMs: number
  ms: number
}

export interface PruneOptions {
  now?: number
  sizing?: ChunkSizing
  /** Waits between chunks (the worker thread can block; tests pass their own). */
  pause?: (ms: number) => void
  progress?: (done: number, total: number) => void
  /** performance.now() after which no chunk starts (runRetention sets it from RUN_BUDGET_MS). */
  until?: number
}

// Checkpoints are the run's own, between chunks: left to SQLite, the commit that finds the WAL
// past 1000 pages copies it back, inside the chunk's time (ours) or a request's write (theirs).
const autoCheckpointOff = defineQuery<Record<string, never>, unknown>('retention.autoCheckpoint.off', 'PRAGMA wal_autocheckpoint = 0')
// SQLite's default, which the connection had before (connection.ts leaves it alone).
const autoCheckpointOn = defineQuery<Record<string, never>, unknown>('retention.autoCheckpoint.on', 'PRAGMA wal_autocheckpoint = 1000')
// PASSIVE never waits for and never blocks writers or readers.
const checkpoint = defineQuery<Record<string, never>, unknown>('retention.checkpoint', 'PRAGMA wal_checkpoint(PASSIVE)')

const sleeper = new Int32Array(new SharedArrayBuffer(4))
/** Blocks this thread, never the main one: the run is on the job worker (handlers.ts). */
const blockFor = (ms: number) => Atomics.wait(sleeper, 0, 0, ms)

type ChunkParams = { cutoff: number, keepCutoff?: number, afterAge: number, afterId: number, limit: number }

/**
 * One chunk: the next `limit` deletable rows after (afterAge, afterId) in the age index's order.
 * The walk's position, not the cutoff alone, bounds each chunk, so rows kept past the cutoff
 * (a security audit, a task's newest success) are stepped over once, not rescanned every chunk.
 */
function chunkQuery(p: RetentionPolicy): NamedQuery<ChunkParams, DeletedRow> {
  const age = p.ageColumn
  const kept = [p.deletable, p.keepAtLeast && `NOT (${p.keepAtLeast.rows} AND ${age} >= @keepCutoff)`].filter(Boolean).map(c => ` AND (${c})`).join('')
  return defineQuery<ChunkParams, DeletedRow>(`retention.${p.name}.chunk`, `DELETE FROM ${p.table} WHERE id IN (
    SELECT id FROM ${p.table} WHERE ${age} < @cutoff AND ${age} >= @afterAge AND (${age} > @afterAge OR id > @afterId)${kept}
    ORDER BY ${age}, id LIMIT @limit)
  RETURNING id, ${age} AS age${p.returning ? `, ${p.returning}` : ''}`)
}

// Defined up front, so the catalogue (EXPLAIN, the index inspector's usedBy) knows every one.
const CHUNKS = new Map(RETENTION_POLICIES.map(p => [p, chunkQuery(p)]))

/** Rows older than this instant go: whole UTC days back from the start of today, or `days` back from now. */
export function cutoffOf(policy: Pick<RetentionPolicy, 'wholeDays'>, days: number, now: number): number {
  return (policy.wholeDays ? dayStart(utcDay(now)) : now) - days * DAY_MS
}

/** The next chunk's limit: scaled to the target time, at most doubling, within the bounds. */
export function nextLimit(limit: number, ms: number, sizing: ChunkSizing): number {
  const scaled = Math.floor(limit * sizing.targetMs / Math.max(ms, 0.1))
  return Math.max(sizing.minRows, Math.min(sizing.maxRows, 2 * limit, scaled))
}

function lastInWalk(rows: DeletedRow[]): { age: number, id: number } {
  let last = rows[0]!
  for (const r of rows) if (r.age > last.age || (r.age === last.age && r.id > last.id)) last = r
  return last
}

export function prunePolicy(policy: RetentionPolicy, days: RetentionDays, options: PruneOptions = {}): PolicyRun & { alsoDeleted: Record<string, number> } {
  const sizing = options.sizing ?? CHUNK_SIZING
  const pause = options.pause ?? blockFor
  const run = { name: policy.name, table: policy.table, days, cutoff: null as string | null, deleted: 0, chunks: 0, longestChunkMs: 0, slowChunks: 0, unfinished: false }
  const alsoDeleted: Record<string, number> = Object.fromEntries((policy.alsoDeletesFrom ?? []).map(table => [table, 0]))
  if (days === null) return { ...run, alsoDeleted }
  const now = options.now ?? Date.now()
  const cutoff = cutoffOf(policy, days, now)
  const keepCutoff = policy.keepAtLeast ? Math.min(cutoff, now - policy.keepAtLeast.days * DAY_MS) : undefined
  const stmt = CHUNKS.get(policy) ?? chunkQuery(policy)
  let after = { age: Number.MIN_SAFE_INTEGER, id: 0 }
  let limit = sizing.firstRows
  for (;;) {
    let lockedAt = 0
    const rows = inTransaction(() => {
      lockedAt = performance.now()
      const rows = stmt.all({ cutoff, ...(keepCutoff === undefined ? {} : { keepCutoff }), afterAge: after.age, afterId: after.id, limit })
      if (rows.length > 0 && policy.afterChunk) {
        for (const [table, n] of Object.entries(policy.afterChunk(rows))) alsoDeleted[table] = (alsoDeleted[table] ?? 0) + n
      }
      return rows
    })
    const ms = performance.now() - lockedAt
    run.chunks++
    run.deleted += rows.length
    run.longestChunkMs = Math.max(run.longestChunkMs, ms)
    if (ms > SLOW_CHUNK_MS) run.slowChunks++
    if (rows.length < limit) break
    if (performance.now() >= (options.until ?? Infinity)) {
      run.unfinished = true
      break
    }
    after = lastInWalk(rows)
    limit = nextLimit(limit, ms, sizing)
    const pauseStarted = performance.now()
    checkpoint.all({})
    pause(Math.max(0, Math.max(sizing.pauseMs, ms) - (performance.now() - pauseStarted)))
  }
  const extra = policy.finish ? inTransaction(() => policy.finish!(cutoff)) : {}
  return { ...run, ...extra, cutoff: new Date(cutoff).toISOString(), longestChunkMs: round(run.longestChunkMs), alsoDeleted }
}

const round = (ms: number) => Math.round(ms * 100) / 100

/** Runs every policy with the given settings. */
export function runRetention(days: RetentionDaysBySetting, options: PruneOptions & { budgetMs?: number } = {}, policies: readonly RetentionPolicy[] = RETENTION_POLICIES): RetentionRun {
  const started = performance.now()
  options = { until: started + (options.budgetMs ?? RUN_BUDGET_MS), ...options }
  const deleted: Record<string, number> = {}
  const runs: PolicyRun[] = []
  autoCheckpointOff.all({})
  try {
    policies.forEach((policy, i) => {
      const { alsoDeleted, ...run } = prunePolicy(policy, policy.setting ? days[policy.setting] : 0, options)
      runs.push(run)
      deleted[policy.table] = (deleted[policy.table] ?? 0) + run.deleted
      for (const [table, n] of Object.entries(alsoDeleted)) deleted[table] = (deleted[table] ?? 0) + n
      options.progress?.(i + 1, policies.length)
    })
  }
  finally {
    autoCheckpointOn.all({})
    checkpoint.all({})
  }
  return { policies: runs, deleted, longestChunkMs: Math.max(0, ...runs.map(r => r.longestChunkMs)), ms: Math.round(performance.now() - started) }
}

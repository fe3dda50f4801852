// Retention (server/services/retention): what goes, what stays, the rollups, the chunks, the settings.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ingestIntakes } from '../../server/services/health/ingest-intakes.ts'
import { ingestPoints } from '../../server/services/health/ingest-points.ts'
import { ensureSupplementCatalogue } from '../../server/services/health/supplements.ts'
import { checkRollups } from '../../server/services/jobs/rollup-check.ts'
import { DEFAULT_SCHEDULE, parseSchedule } from '../../server/services/jobs/schedule.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'
import { explain, queryCatalog } from '../../server/services/query/index.ts'
import { RETENTION_POLICIES, SECURITY_AUDIT_MIN_DAYS, type RetentionPolicy } from '../../server/services/retention/policies.ts'
import { CHUNK_SIZING, cutoffOf, nextLimit, prunePolicy, runRetention, type ChunkSizing } from '../../server/services/retention/prune.ts'
import { parseRetentionDays, RETENTION_SETTINGS, RetentionError, retentionDays } from '../../server/services/retention/settings.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  ensureSupplementCatalogue(db.conn.sqlite)
})
afterAll(() => db.dispose())

const DAY = 86_400_000
const NOW = Date.parse('2026-06-30T12:00:00Z')
const noPause = () => {}
const policy = (name: string): RetentionPolicy => RETENTION_POLICIES.find(p => p.name === name)!
const q = <T>(sql: string, ...args: unknown[]) => db.conn.sqlite.prepare(sql).all(...args) as T[]
const count = (table: string) => q<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n
/** Tiny chunks, so that a handful of rows spans several and a chunk ends within a day. */
const tiny: ChunkSizing = { targetMs: 1000, firstRows: 3, minRows: 3, maxRows: 3, pauseMs: 0 }

function points(days: string[], perDay: number) {
  const rows = days.flatMap(day => Array.from({ length: perDay }, (_, i) => ({
    personId: i % 2 ? 'R-2' : 'R-1', metric: 'resting_heart_rate', value: 50 + i, at: `${day}T${String(i * 3).padStart(2, '0')}:30:00Z`, source: 'test',
  })))
  ingestPoints(JSON.stringify(rows), 'application/json')
}

describe('settings', () => {
  it('reads whole days, at least one, or off; empty is the default', () => {
    const s = RETENTION_SETTINGS.health
    expect(parseRetentionDays(undefined, s)).toBe(3650)
    expect(parseRetentionDays('', s)).toBe(3650)
    expect(parseRetentionDays('90', s)).toBe(90)
    expect(parseRetentionDays(7, s)).toBe(7)
    expect(parseRetentionDays('off', s)).toBeNull()
    expect(parseRetentionDays('OFF', s)).toBeNull()
    for (const bad of ['0', '-1', '1.5', 'week', '1e3', 'never']) {
      expect(() => parseRetentionDays(bad, s), bad).toThrow(RetentionError)
    }
    expect(() => parseRetentionDays('2 years', RETENTION_SETTINGS.audit)).toThrow(/^NUXT_RETENTION_AUDIT_DAYS must be a whole number of days, at least 1, or off \(got "2 years"\)$/)
  })

  it('keeps health data ten years, audit rows six, job runs thirty days by default', () => {
    expect(retentionDays(() => undefined)).toEqual({ health: 3650, audit: 2190, jobs: 30 })
    expect(retentionDays((setting) => ({ retentionJobsDays: '3', retentionAuditDays: 'off' } as Record<string, string>)[setting.configKey])).toEqual({ health: 3650, audit: null, jobs: 3 })
  })

  it('runs daily in the default schedule, and jobs.retention still names it', () => {
    expect(parseSchedule(DEFAULT_SCHEDULE)).toContainEqual({ task: 'retention', everyMs: DAY })
    expect(parseSchedule('jobs.retention=6h')).toEqual([{ task: 'retention', everyMs: 6 * 3_600_000 }])
  })
})

describe('health data', () => {
  beforeEach(() => {
    for (const t of ['health_daily', 'health_data_points', 'supplement_intakes']) db.conn.sqlite.prepare(`DELETE FROM ${t}`).run()
  })

  it('cuts at the start of a UTC day: the whole cutoff day stays, the whole day before goes', () => {
    expect(new Date(cutoffOf(policy('health'), 10, NOW)).toISOString()).toBe('2026-06-20T00:00:00.000Z')
    ingestPoints(JSON.stringify([
      { personId: 'R-1', metric: 'steps', value: 100, at: '2026-06-19T23:59:59.999Z', source: 't' },
      { personId: 'R-1', metric: 'steps', value: 200, at: '2026-06-20T00:00:00.000Z', source: 't' },
      { personId: 'R-1', metric: 'steps', value: 300, at: '2026-06-20T23:00:00.000Z', source: 't' },
    ]), 'application/json')
    const run = prunePolicy(policy('health'), 10, { now: NOW, pause: noPause })
    expect(run).toMatchObject({ deleted: 1, cutoff: '2026-06-20T00:00:00.000Z', alsoDeleted: { health_daily: 1 } })
    expect(q('SELECT value FROM health_data_points ORDER BY at')).toEqual([{ value: 200 }, { value: 300 }])
    expect(q('SELECT day, count, sum FROM health_daily')).toEqual([{ day: '2026-06-20', count: 2, sum: 500 }])
  })

  it('keeps the rollups equal to the rows after every chunk, when chunks end within a day', () => {
    points(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-25', '2026-06-26'], 5)
    const younger = q('SELECT * FROM health_data_points WHERE at >= ? ORDER BY id', Date.parse('2026-06-20'))
    const youngerDays = q(`SELECT * FROM health_daily WHERE day >= '2026-06-20' ORDER BY rowid`)
    const seen: number[] = []
    const run = prunePolicy(policy('health'), 10, {
      now: NOW, sizing: tiny,
      // Between chunks, after each commit: another connection would read exactly this.
      pause: () => {
        seen.push(count('health_data_points'))
        expect(checkRollups({ repair: false }).health.mismatches).toBe(0)
      },
    })
    expect(run).toMatchObject({ deleted: 15, chunks: 6 })
    // 25 points, 3 a chunk: 22, 19, ... 10, and a last chunk that finds none left.
    expect(seen).toEqual([22, 19, 16, 13, 10])
    expect(checkRollups({ repair: false }).health.mismatches).toBe(0)
    // Nothing younger than the cutoff was touched, rows or rollups.
    expect(q('SELECT * FROM health_data_points ORDER BY id')).toEqual(younger)
    expect(q('SELECT * FROM health_daily ORDER BY rowid')).toEqual(youngerDays)
  })

  it('deletes intakes at the same age as the points', () => {
    ingestIntakes(JSON.stringify([
      { personId: 'R-1', supplementId: 'magnesium', takenAt: '2026-06-19T21:00:00Z', dose: 400, unit: 'mg' },
      { personId: 'R-1', supplementId: 'magnesium', takenAt: '2026-06-20T21:00:00Z', dose: 400, unit: 'mg' },
    ]), 'application/json')
    expect(prunePolicy(policy('intakes'), 10, { now: NOW, pause: noPause })).toMatchObject({ deleted: 1 })
    expect(q('SELECT taken_at AS takenAt FROM supplement_intakes')).toEqual([{ takenAt: Date.parse('2026-06-20T21:00:00Z') }])
  })

  it('stops starting chunks when its time is up, the rest left for the next run and the rollups still true', () => {
    points(['2026-06-01', '2026-06-02'], 5)
    const first = runRetention({ health: 10, audit: null, jobs: null }, { now: NOW, pause: noPause, sizing: tiny, budgetMs: 0 })
    expect(first.policies[0]).toMatchObject({ name: 'health', deleted: 3, chunks: 1, unfinished: true })
    expect(count('health_data_points')).toBe(7)
    expect(checkRollups({ repair: false }).health.mismatches).toBe(0)
    const next = runRetention({ health: 10, audit: null, jobs: null }, { now: NOW, pause: noPause })
    expect(next.policies[0]).toMatchObject({ deleted: 7, unfinished: false })
  })

  it('keeps everything when the setting is off', () => {
    points(['2001-01-01'], 2)
    expect(runRetention({ health: null, audit: null, jobs: null }, { now: NOW, pause: noPause }).deleted).toMatchObject({ health_data_points: 0 })
    expect(count('health_data_points')).toBe(2)
  })
})

describe('chunks', () => {
  it('never deletes more rows in one chunk than its limit, and sizes the next from the time it held the lock', () => {
    const sizing = { ...CHUNK_SIZING, targetMs: 20, minRows: 50, maxRows: 20_000 }
    expect(nextLimit(1000, 10, sizing)).toBe(2000)
    expect(nextLimit(1000, 1, sizing)).toBe(2000)
    expect(nextLimit(1000, 40, sizing)).toBe(500)
    expect(nextLimit(1000, 4000, sizing)).toBe(50)
    expect(nextLimit(20_000, 1, sizing)).toBe(20_000)
  })

  it('walks each table along an index on its age column, never a scan', () => {
    const plans = Object.fromEntries(queryCatalog().filter(s => /^retention\..+\.chunk$/.test(s.name)).map(s => [s.name, explain(db.conn.sqlite, s.sql)]))
    expect(Object.keys(plans).sort()).toEqual(RETENTION_POLICIES.map(p => `retention.${p.name}.chunk`).sort())
    expect(plans['retention.health.chunk']).toMatch(/USING COVERING INDEX idx_health_at \(at>\? AND at<\?\)/)
    expect(plans['retention.intakes.chunk']).toMatch(/USING COVERING INDEX idx_intakes_taken_at \(taken_at>\? AND taken_at<\?\)/)
    expect(plans['retention.audit.chunk']).toMatch(/USING INDEX idx_audit_at \(at>\? AND at<\?\)/)
    expect(plans['retention.jobs.chunk']).toMatch(/USING INDEX idx_jobs_finished_at \(finished_at>\? AND finished_at<\?\)/)
    expect(plans['retention.sessions.chunk']).toMatch(/USING (COVERING )?INDEX idx_sessions_expires \(expires_at>\? AND expires_at<\?\)/)
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/SCAN (health_data_points|supplement_intakes|audit_log|job_runs|sessions)\b/)
    // The walk is in index order; only the jobs' newest-success window sorts (the kept runs, a few a day).
    for (const name of ['health', 'intakes', 'audit', 'sessions']) expect(plans[`retention.${name}.chunk`]).not.toMatch(/TEMP B-TREE/)
  })
})

describe('audit rows', () => {
  beforeEach(() => {
    db.conn.sqlite.prepare('DELETE FROM audit_log').run()
  })
  const audit = (action: string, ageDays: number) => Number(db.conn.sqlite.prepare(`INSERT INTO audit_log (at, actor, action, target) VALUES (?, 'key:1', ?, NULL)`)
    .run(NOW - ageDays * DAY, action).lastInsertRowid)

  it('go after the setting, but sign-ins, passwords, users and keys stay at least a year', () => {
    const ids = {
      oldPatch: audit('claims.patch', 100),
      oldRead: audit('read.correlations', 31),
      youngPatch: audit('claims.patch', 29),
      login: audit('auth.login', 100),
      failed: audit('auth.login.failed', SECURITY_AUDIT_MIN_DAYS - 1),
      user: audit('users.disable', 200),
      key: audit('apiKeys.revoke', 200),
      ancientLogin: audit('auth.login', SECURITY_AUDIT_MIN_DAYS + 1),
    }
    const run = prunePolicy(policy('audit'), 30, { now: NOW, pause: noPause, sizing: tiny })
    expect(run.deleted).toBe(3)
    expect(q<{ id: number }>('SELECT id FROM audit_log ORDER BY id').map(r => r.id)).toEqual([ids.youngPatch, ids.login, ids.failed, ids.user, ids.key])
  })

  it('keep the setting when it is longer than the security minimum', () => {
    const login = audit('auth.login', 500)
    audit('auth.login', 800)
    expect(prunePolicy(policy('audit'), 730, { now: NOW, pause: noPause }).deleted).toBe(1)
    expect(q<{ id: number }>('SELECT id FROM audit_log').map(r => r.id)).toEqual([login])
  })
})

describe('sessions', () => {
  it('ended ones go, live ones stay', () => {
    db.conn.sqlite.prepare(`INSERT OR IGNORE INTO users (id, email, password_hash, role) VALUES (1, 'a@example.org', 'x', 'admin')`).run()
    const insert = db.conn.sqlite.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked_at) VALUES (?, 1, ?, ?, ?)')
    insert.run('expired', NOW - 2 * DAY, NOW - DAY, null)
    insert.run('revoked', NOW - DAY, NOW - 1000, NOW - 1000)
    insert.run('live', NOW - 1000, NOW + DAY, null)
    expect(prunePolicy(policy('sessions'), 0, { now: NOW, pause: noPause }).deleted).toBe(2)
    expect(q('SELECT token_hash AS t FROM sessions')).toEqual([{ t: 'live' }])
  })
})

describe('the retention job', () => {
  it('runs on the worker thread and records what it deleted per table and its longest chunk', async () => {
    const now = Date.now()
    for (const t of ['audit_log', 'health_daily', 'health_data_points']) db.conn.sqlite.prepare(`DELETE FROM ${t}`).run()
    db.conn.sqlite.prepare(`INSERT INTO audit_log (at, actor, action) VALUES (?, 'key:1', 'claims.patch'), (?, 'key:1', 'claims.patch')`).run(now - 40 * DAY, now - DAY)
    const result = await runInWorker('retention', { health: 3650, audit: 30, jobs: 30 }, { dbPath: db.conn.path, timeoutMs: 60_000 }) as { deleted: Record<string, number>, longestChunkMs: number, policies: { name: string }[] }
    expect(result.deleted).toMatchObject({ audit_log: 1, health_data_points: 0, health_daily: 0 })
    expect(result.policies.map(p => p.name)).toEqual(['health', 'intakes', 'audit', 'jobs', 'sessions'])
    expect(result.longestChunkMs).toBeGreaterThan(0)
    expect(result.longestChunkMs).toBeLessThan(1000)
    expect(count('audit_log')).toBe(1)
  })
})

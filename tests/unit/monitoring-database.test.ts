import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFacts } from '../../server/services/monitoring/database.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
})
afterAll(() => db.dispose())

const job = (d: typeof db) => d.conn.sqlite.prepare(`INSERT INTO job_runs (task, status, run_after, queued_at, finished_at) VALUES (?, ?, 0, 0, ?)`)

describe('databaseFacts', () => {
  it('dates the last ANALYZE from succeeded db.optimize runs, the last backup from verified backups only', () => {
    expect(databaseFacts()).toMatchObject({ lastBackupAt: null, statsAnalyzedAt: null, pingMs: expect.any(Number) })
    const insert = job(db)
    insert.run('db.optimize', 'succeeded', Date.parse('2026-06-01T00:00:00Z'))
    insert.run('db.optimize', 'failed', Date.parse('2026-06-02T00:00:00Z'))
    insert.run('correlations.recompute', 'succeeded', Date.parse('2026-06-03T00:00:00Z'))
    expect(databaseFacts()).toMatchObject({ lastBackupAt: null, statsAnalyzedAt: '2026-06-01T00:00:00.000Z' })
    // A job run is not a backup: the backups table says whether one was made and passed its check.
    insert.run('db.backup', 'succeeded', Date.parse('2026-06-04T00:00:00Z'))
    expect(databaseFacts().lastBackupAt).toBeNull()
    const backup = db.conn.sqlite.prepare(`INSERT INTO backups (file_name, path, started_at, finished_at, duration_ms, encrypted, status)
      VALUES ('b.db', '/b.db', 0, ?, 1, 0, ?)`)
    backup.run(Date.parse('2026-06-05T00:00:00Z'), 'verified')
    backup.run(Date.parse('2026-06-06T00:00:00Z'), 'failed')
    expect(databaseFacts().lastBackupAt).toBe('2026-06-05T00:00:00.000Z')
  })
})

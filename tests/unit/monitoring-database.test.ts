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
  it('dates the last backup and the last ANALYZE from succeeded runs of exactly those jobs', () => {
    expect(databaseFacts()).toMatchObject({ lastBackupAt: null, statsAnalyzedAt: null, pingMs: expect.any(Number) })
    const insert = job(db)
    insert.run('db.optimize', 'succeeded', Date.parse('2026-06-01T00:00:00Z'))
    insert.run('db.optimize', 'failed', Date.parse('2026-06-02T00:00:00Z'))
    insert.run('correlations.recompute', 'succeeded', Date.parse('2026-06-03T00:00:00Z'))
    expect(databaseFacts()).toMatchObject({ lastBackupAt: null, statsAnalyzedAt: '2026-06-01T00:00:00.000Z' })
    insert.run('db.backup', 'succeeded', Date.parse('2026-06-04T00:00:00Z'))
    expect(databaseFacts().lastBackupAt).toBe('2026-06-04T00:00:00.000Z')
  })
})

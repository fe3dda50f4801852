import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Connection } from '../../server/database/connection.ts'
import { migrationsUpToDate, runMigrations } from '../../server/database/migrate.ts'
import { describeIndexes } from '../../server/services/monitoring/indexes.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
let conn: Connection
beforeAll(() => {
  db = tempDatabase()
  conn = db.conn
})
afterAll(() => db.dispose())

describe('the connection', () => {
  it('opens in WAL with the pragmas PERFORMANCE_TUNING.md describes', () => {
    expect(conn.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(conn.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(conn.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(conn.sqlite.pragma('synchronous', { simple: true })).toBe(1) // NORMAL
    expect(conn.sqlite.pragma('temp_store', { simple: true })).toBe(2) // MEMORY
    expect(conn.sqlite.pragma('cache_size', { simple: true })).toBe(-65536)
  })

  it('enforces foreign keys and the claim constraints', () => {
    const insert = conn.sqlite.prepare(`INSERT INTO claims (source, source_id, provider_id, payer, patient_ref, cpt_code, date_of_service, submitted_at, status, denial_reason, billed_cents)
      VALUES ('t', ?, ?, 'Aetna', 'PT-1', '99213', '2026-01-01', 0, ?, ?, 100)`)
    expect(() => insert.run('a', 999, 'paid', null)).toThrow(/FOREIGN KEY/)
    conn.sqlite.prepare(`INSERT INTO providers (id, npi, name, specialty, state) VALUES (1, '1000000001', 'Test Clinic', 'Family Medicine', 'OR')`).run()
    expect(() => insert.run('b', 1, 'lost', null)).toThrow(/CHECK/)
    expect(() => insert.run('c', 1, 'paid', 'CO-16')).toThrow(/CHECK/)
    expect(() => insert.run('d', 1, 'denied', null)).toThrow(/CHECK/)
    insert.run('e', 1, 'denied', 'CO-16')
    expect(() => insert.run('e', 1, 'paid', null)).toThrow(/UNIQUE/)
  })
})

describe('migrations', () => {
  it('are recorded, and a second run applies nothing', () => {
    expect(migrationsUpToDate(conn)).toBe(true)
    expect(runMigrations(conn).applied).toBe(0)
  })

  it('create every table of the product', () => {
    const tables = describeIndexes(conn.sqlite).map(t => t.name)
    expect(tables).toEqual(expect.arrayContaining([
      'providers', 'claims', 'claims_daily', 'people', 'health_data_points', 'health_daily', 'supplements',
      'supplement_intakes', 'correlations', 'insights', 'data_sources', 'job_runs', 'users', 'api_keys', 'audit_log',
    ]))
  })

  it('create the named indexes for every filter and sort of the claims list', () => {
    const claims = describeIndexes(conn.sqlite).find(t => t.name === 'claims')!
    const byName = Object.fromEntries(claims.indexes.map(ix => [ix.name, ix]))
    expect(byName.uq_claims_source).toMatchObject({ columns: ['source', 'source_id'], unique: true })
    expect(byName.idx_claims_date!.columns).toEqual(['date_of_service', 'id'])
    expect(byName.idx_claims_billed!.columns).toEqual(['billed_cents', 'id'])
    expect(byName.idx_claims_submitted!.columns).toEqual(['submitted_at', 'id'])
    expect(byName.idx_claims_status_date!.columns).toEqual(['status', 'date_of_service', 'id'])
    expect(byName.idx_claims_provider_date!.columns).toEqual(['provider_id', 'date_of_service', 'id'])
    expect(byName.idx_claims_payer_date!.columns).toEqual(['payer', 'date_of_service', 'id'])
    expect(byName.idx_claims_provider_billed!.columns).toEqual(['provider_id', 'billed_cents', 'id'])
    expect(byName.idx_claims_denial_date).toMatchObject({ columns: ['denial_reason', 'date_of_service', 'id'], where: 'denial_reason IS NOT NULL' })
    const health = describeIndexes(conn.sqlite).find(t => t.name === 'health_data_points')!
    expect(health.indexes.map(ix => ix.name)).toContain('idx_health_person_metric_at')
  })
})

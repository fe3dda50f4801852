import { afterAll, describe, expect, it } from 'vitest'
import { analyzeIndexes, isPrefixOf, readPlan } from '../../server/services/monitoring/index-usage.ts'
import { tempDatabase } from './helpers.ts'

describe('readPlan', () => {
  it('finds the indexes a plan uses and the tables it reads whole', () => {
    const use = readPlan([
      'SEARCH claims USING COVERING INDEX idx_claims_status_date (status=?)',
      '  SEARCH providers USING INTEGER PRIMARY KEY (rowid=?)',
      'SCAN c USING INDEX idx_claims_date',
      'SCAN api_keys',
      'SCAN json_each VIRTUAL TABLE INDEX 0:',
      'USE TEMP B-TREE FOR ORDER BY',
    ].join('\n'))
    expect([...use.indexes]).toEqual(['idx_claims_status_date', 'idx_claims_date'])
    expect([...use.scans]).toEqual(['api_keys'])
  })
})

describe('isPrefixOf', () => {
  it('needs the same partial WHERE and leading columns', () => {
    expect(isPrefixOf({ columns: ['a'], where: null }, { columns: ['a', 'b'], where: null })).toBe(true)
    expect(isPrefixOf({ columns: ['a', 'b'], where: null }, { columns: ['a'], where: null })).toBe(false)
    expect(isPrefixOf({ columns: ['b'], where: null }, { columns: ['a', 'b'], where: null })).toBe(false)
    expect(isPrefixOf({ columns: ['a'], where: 'a IS NOT NULL' }, { columns: ['a', 'b'], where: null })).toBe(false)
  })
})

describe('analyzeIndexes', () => {
  const { conn, dispose } = tempDatabase()
  afterAll(dispose)
  const sqlite = conn.sqlite
  sqlite.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT);
    CREATE INDEX idx_t_a ON t (a);
    CREATE INDEX idx_t_a_b ON t (a, b);
    CREATE INDEX idx_t_c ON t (c);
    CREATE UNIQUE INDEX uq_t_b ON t (b);
  `)

  it('reports usedBy from plans, unused and duplicate indexes, and whole-table scans', () => {
    const report = analyzeIndexes(sqlite, [
      { name: 't.byAB', sql: 'SELECT id FROM t WHERE a = @a AND b > @b' },
      { name: 't.all', sql: 'SELECT count(*) FROM t WHERE c LIKE @c || \'%\' AND length(a) > 3' },
    ], '2026-06-01T00:00:00.000Z')
    const t = report.tables.find(x => x.name === 't')!
    expect(t.indexes.map(ix => ix.name)).toEqual(['idx_t_a', 'idx_t_a_b', 'idx_t_c', 'uq_t_b'])
    expect(t.indexes.find(ix => ix.name === 'idx_t_a_b')).toMatchObject({ columns: ['a', 'b'], unique: false, where: null })
    const used = Object.fromEntries(t.indexes.map(ix => [ix.name, ix.usedBy]))
    expect(Object.values(used).flat()).toContain('t.byAB')
    // A unique index enforces a constraint, so it is never "unused" or a removable duplicate.
    expect(report.unused).not.toContain('uq_t_b')
    expect(report.unused).toContain('idx_t_c')
    expect(report.duplicates).toContainEqual({ index: 'idx_t_a', coveredBy: 'idx_t_a_b' })
    expect(report.fullScans.map(s => `${s.query}:${s.table}`)).toContain('t.all:t')
    expect(report.statsAnalyzedAt).toBe('2026-06-01T00:00:00.000Z')
  })
})

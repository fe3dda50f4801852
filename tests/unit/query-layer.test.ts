import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { configureSlowLog, defineQuery, explain, queryCatalog, queryStats, resetQueryStats, slowQueries } from '../../server/services/query/index.ts'
import { getProvider, listProviders } from '../../server/services/providers/index.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  const insert = db.conn.sqlite.prepare(`INSERT INTO providers (id, npi, name, specialty, state) VALUES (?, ?, ?, 'Cardiology', 'WA')`)
  // Names repeat, so paging must order by (name, id) to see each provider once.
  for (let i = 1; i <= 25; i++) insert.run(i, String(1000000000 + i), `Clinic ${String.fromCharCode(80 - (i % 10))}`)
})
afterAll(() => db.dispose())
beforeEach(() => {
  resetQueryStats()
  configureSlowLog({ slowMs: 50, perName: {} })
})

describe('named queries', () => {
  it('records calls, rows and timings per name', () => {
    const q = defineQuery<{ state: string }, { id: number }>('test.byState', 'SELECT id FROM providers WHERE state = @state')
    q.all({ state: 'WA' })
    q.all({ state: 'XX' })
    const stat = queryStats().find(s => s.name === 'test.byState')!
    expect(stat).toMatchObject({ calls: 2, rows: 25 })
    expect(stat.totalMs).toBeGreaterThan(0)
    expect(stat.maxMs).toBeGreaterThanOrEqual(stat.p95Ms)
    expect(queryCatalog().map(c => c.name)).toContain('test.byState')
  })

  it('keeps slow executions with their plan but never the bound values', () => {
    configureSlowLog({ slowMs: 50, perName: { 'test.slow': 0 } })
    const q = defineQuery<{ ref: string }, { id: number }>('test.slow', 'SELECT id FROM providers WHERE npi = @ref')
    q.get({ ref: 'PT-secret-patient-ref' })
    const [entry] = slowQueries()
    expect(entry).toMatchObject({ name: 'test.slow', sql: 'SELECT id FROM providers WHERE npi = @ref' })
    expect(entry!.plan).toMatch(/SEARCH providers USING (COVERING )?INDEX uq_providers_npi/)
    expect(JSON.stringify(slowQueries())).not.toContain('PT-secret-patient-ref')
  })

  it('refuses to redefine a name with other SQL', () => {
    defineQuery('test.once', 'SELECT 1')
    expect(() => defineQuery('test.once', 'SELECT 2')).toThrow(/already defined/)
  })
})

describe('providers queries', () => {
  it('use their named indexes (EXPLAIN QUERY PLAN)', () => {
    const plans = Object.fromEntries(queryCatalog().filter(c => c.name.startsWith('providers.')).map(c => [c.name, explain(db.conn.sqlite, c.sql)]))
    expect(plans['providers.list']).toMatch(/SCAN providers USING INDEX idx_providers_name/)
    expect(plans['providers.list.after']).toMatch(/SEARCH providers USING INDEX idx_providers_name \(name>\?\)/)
    expect(plans['providers.byId']).toMatch(/SEARCH providers USING INTEGER PRIMARY KEY/)
    expect(plans['providers.totals']).toMatch(/USING (COVERING )?INDEX idx_claims_daily_dim_key_day/)
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/TEMP B-TREE/)
  })

  it('pages through every provider exactly once, in name order', () => {
    const seen: string[] = []
    const ids: number[] = []
    let cursor: string | undefined
    do {
      const page = listProviders({ limit: 7, cursor })
      seen.push(...page.data.map(p => p.name))
      ids.push(...page.data.map(p => p.id))
      cursor = page.page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(25)
    expect(new Set(ids)).toHaveProperty('size', 25)
    expect(seen).toEqual([...seen].sort())
    expect(listProviders({ limit: 1, count: true }).page.total).toBe(25)
  })

  it('answers a provider with zero totals before any claim, and undefined for an unknown id', () => {
    expect(getProvider(3)!.totals).toMatchObject({ claims: 0, denialRate: 0, firstDay: null })
    expect(getProvider(999)).toBeUndefined()
  })
})

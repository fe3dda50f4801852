// Indexes are advice: with any one index the claims statements name dropped by another
// connection (an operator in the sqlite3 shell), every list, count, metrics and denial-patterns
// shape still answers the same rows, through a plan that does not name it; recreated, the index
// is named again.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countClaims } from '../../server/services/claims/count.ts'
import { denialPatterns } from '../../server/services/claims/denial-patterns.ts'
import { buildListStatement, listClaims } from '../../server/services/claims/list.ts'
import { claimsMetrics } from '../../server/services/claims/metrics.ts'
import { configurePlanner } from '../../server/services/claims/planner.ts'
import { DenialPatternsQuery, ListClaimsQuery, MetricsQuery } from '../../server/services/claims/schemas.ts'
import { missingIndexes } from '../../server/services/monitoring/planned-indexes.ts'
import { stopOffThreadWorker } from '../../server/services/query/off-thread.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

const SORTS = ['dateOfService', '-dateOfService', 'billedCents', '-billedCents', 'submittedAt', '-submittedAt']
const FILTERS: Record<string, string | string[]>[] = [
  {},
  { status: 'denied' },
  { status: ['paid', 'pending'] },
  { payer: 'Aetna' },
  { providerId: '2' },
  { denialReason: 'CO-16' },
  { from: '2026-02-01', to: '2026-03-15' },
  { minBilledCents: '3000', maxBilledCents: '3500' },
  { status: 'paid', payer: 'Cigna', from: '2026-01-15' },
  { providerId: '3', minBilledCents: '3200' },
  { status: 'denied', denialReason: 'CO-97', providerId: '1' },
]
const GROUPS = ['day', 'week', 'month', 'provider', 'payer', 'denialReason']
const WINDOWS = [['2026-02-01', '2026-02-20'], ['2025-06-01', '2026-06-30']]

type Answers = Map<string, unknown>

/** Every shape's answer: each list's first two pages of ids, its count, each metrics and patterns answer. */
async function sweep(): Promise<Answers> {
  const answers: Answers = new Map()
  for (const sort of SORTS) {
    for (const filters of FILTERS) {
      const q = ListClaimsQuery.parse({ ...filters, sort, limit: '25' })
      const first = await listClaims(q)
      const second = first.page.nextCursor ? await listClaims(ListClaimsQuery.parse({ ...filters, sort, limit: '25', cursor: first.page.nextCursor })) : undefined
      answers.set(`list ${sort} ${JSON.stringify(filters)}`, [first.data.map(c => c.id), second?.data.map(c => c.id)])
      answers.set(`count ${sort} ${JSON.stringify(filters)}`, await countClaims(q))
    }
  }
  for (const groupBy of GROUPS) {
    for (const [from, to] of WINDOWS) answers.set(`metrics ${groupBy} ${from}`, (await claimsMetrics(MetricsQuery.parse({ groupBy, from, to }))).series)
  }
  answers.set('patterns', (await denialPatterns(DenialPatternsQuery.parse({ from: '2026-04-01', to: '2026-06-29', minCount: '1', limit: '500' }))).data)
  return answers
}

let db: ReturnType<typeof tempDatabase>
let operator: Database.Database
let baseline: Answers
const definitions = new Map<string, string>()

beforeAll(async () => {
  db = tempDatabase()
  insertFixture(db.conn)
  db.conn.sqlite.exec('ANALYZE')
  configurePlanner({ probeCap: 40 })
  operator = new Database(db.conn.path)
  for (const { name, sql } of operator.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('claims', 'claims_daily')`).all() as { name: string, sql: string }[]) definitions.set(name, sql)
  baseline = await sweep()
})
afterAll(async () => {
  operator.close()
  await stopOffThreadWorker()
  db.dispose()
})

describe('with an index the claims statements name dropped by another connection', () => {
  it('knows the indexes it names, all present to begin with', () => {
    expect(missingIndexes()).toEqual([])
    for (const name of ['idx_claims_date', 'idx_claims_billed', 'idx_claims_submitted', 'idx_claims_status_date', 'idx_claims_provider_date', 'idx_claims_payer_date', 'idx_claims_denial_date', 'idx_claims_provider_billed', 'idx_claims_daily_dim_key_day', 'idx_claims_daily_dim_day_key']) {
      expect(definitions.has(name)).toBe(true)
    }
  })

  it.each([
    'idx_claims_date', 'idx_claims_billed', 'idx_claims_submitted', 'idx_claims_status_date', 'idx_claims_provider_date',
    'idx_claims_payer_date', 'idx_claims_denial_date', 'idx_claims_provider_billed', 'idx_claims_daily_dim_key_day', 'idx_claims_daily_dim_day_key',
  ])('%s: every shape answers as before, planned without it; recreated, it is planned with again', async (index) => {
    const shape = (q: Record<string, string>) => buildListStatement(ListClaimsQuery.parse(q), false).sql
    // A shape that names it while it exists (the sort's own index, or a filter's).
    const naming = { idx_claims_date: {}, idx_claims_billed: { sort: 'billedCents' }, idx_claims_submitted: { sort: 'submittedAt' }, idx_claims_status_date: { status: 'denied' }, idx_claims_provider_date: { providerId: '2' }, idx_claims_payer_date: { payer: 'Aetna' }, idx_claims_denial_date: { denialReason: 'CO-16' }, idx_claims_provider_billed: { providerId: '2', sort: 'billedCents' } }[index as 'idx_claims_date'] as Record<string, string> | undefined
    if (naming) expect(shape(naming)).toContain(`INDEXED BY ${index}`)
    operator.exec(`DROP INDEX ${index}`)
    try {
      // The first shapes meet the dropped index before the next look at the schema: re-planned.
      expect(await sweep()).toEqual(baseline)
      expect(missingIndexes().map(m => m.index)).toEqual([index])
      if (naming) expect(shape(naming)).not.toContain(index)
    }
    finally {
      operator.exec(definitions.get(index)!)
    }
    expect(missingIndexes()).toEqual([])
    if (naming) expect(shape(naming)).toContain(`INDEXED BY ${index}`)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { denialPatterns } from '../../server/services/claims/denial-patterns.ts'
import { IngestRejected, IngestTooLarge } from '../../server/services/batch.ts'
import { ingestClaims, MAX_INGEST_ROWS } from '../../server/services/claims/ingest.ts'
import { claimsMetrics } from '../../server/services/claims/metrics.ts'
import { rebuildClaimsRollup } from '../../server/services/claims/rollup.ts'
import { DenialPatternsQuery, MetricsQuery } from '../../server/services/claims/schemas.ts'
import { explain, queryCatalog } from '../../server/services/query/index.ts'
import { ClaimConflictError, patchClaim } from '../../server/services/claims/update.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn)
})
afterAll(() => db.dispose())

const claim = (i: number, over: Record<string, unknown> = {}) => ({
  source: 'ehr-east', sourceId: `E-${i}`, providerId: 1 + (i % 5), payer: 'Aetna', patientRef: `PT-x${i}`, cptCode: '99214',
  dateOfService: '2026-05-10', submittedAt: '2026-05-12T09:30:00Z', status: 'paid', billedCents: 15000, paidCents: 12000, ...over,
})

function rollupSnapshot() {
  return db.conn.sqlite.prepare('SELECT * FROM claims_daily ORDER BY dim, day, key').all()
}

type RollupRow = Record<string, unknown> & { min_submitted_at: number | null, max_submitted_at: number | null }
const withoutBounds = (rows: RollupRow[]) => rows.map(({ min_submitted_at: _lo, max_submitted_at: _hi, ...sums }) => sums)

/**
 * The rollup as written incrementally must equal one rebuilt from the claims rows; its
 * submitted_at bounds may be wider (a claim that moved away leaves them), never narrower.
 */
function expectRollupConsistent() {
  const incremental = rollupSnapshot() as RollupRow[]
  rebuildClaimsRollup(db.conn.sqlite)
  const rebuilt = rollupSnapshot() as RollupRow[]
  expect(withoutBounds(rebuilt)).toEqual(withoutBounds(incremental))
  rebuilt.forEach((row, i) => {
    expect(incremental[i]!.min_submitted_at).not.toBeNull()
    expect(incremental[i]!.min_submitted_at).toBeLessThanOrEqual(row.min_submitted_at!)
    expect(incremental[i]!.max_submitted_at).toBeGreaterThanOrEqual(row.max_submitted_at!)
  })
}

const count = (where = '1') => (db.conn.sqlite.prepare(`SELECT count(*) AS n FROM claims WHERE ${where}`).get() as { n: number }).n

describe('ingest', () => {
  it('inserts, then is idempotent, then updates only what changed', () => {
    const batch = [claim(1), claim(2), claim(3, { status: 'denied', denialReason: 'CO-16', paidCents: 0 })]
    expect(ingestClaims(JSON.stringify(batch), 'application/json')).toEqual({ inserted: 3, updated: 0, unchanged: 0 })
    expect(ingestClaims(JSON.stringify(batch), 'application/json')).toEqual({ inserted: 0, updated: 0, unchanged: 3 })
    batch[1] = claim(2, { paidCents: 11000 })
    expect(ingestClaims(JSON.stringify(batch), 'application/json')).toEqual({ inserted: 0, updated: 1, unchanged: 2 })
    expect(db.conn.sqlite.prepare(`SELECT paid_cents AS p FROM claims WHERE source_id = 'E-2'`).get()).toEqual({ p: 11000 })
    expectRollupConsistent()
  })

  it('keeps each rollup row\'s submitted_at bounds true when claims arrive, move and change', () => {
    const bounds = (day: string) => db.conn.sqlite.prepare(`SELECT min_submitted_at AS lo, max_submitted_at AS hi FROM claims_daily
      WHERE dim = 'payer' AND day = ? AND key = 'Humana'`).get(day) as { lo: number, hi: number } | undefined
    const early = claim(901, { payer: 'Humana', dateOfService: '2026-07-01', submittedAt: '2026-07-02T08:00:00Z' })
    const late = claim(902, { payer: 'Humana', dateOfService: '2026-07-01', submittedAt: '2026-07-09T17:00:00Z' })
    ingestClaims(JSON.stringify([early, late]), 'application/json')
    expect(bounds('2026-07-01')).toEqual({ lo: Date.parse('2026-07-02T08:00:00Z'), hi: Date.parse('2026-07-09T17:00:00Z') })
    // The late claim moves to another day and is submitted later still: its new day's bounds
    // take it, and the old day's stay as wide as they were (still true of its claims).
    ingestClaims(JSON.stringify([{ ...late, dateOfService: '2026-07-03', submittedAt: '2026-07-10T09:00:00Z' }]), 'application/json')
    expect(bounds('2026-07-03')).toEqual({ lo: Date.parse('2026-07-10T09:00:00Z'), hi: Date.parse('2026-07-10T09:00:00Z') })
    expect(bounds('2026-07-01')).toEqual({ lo: Date.parse('2026-07-02T08:00:00Z'), hi: Date.parse('2026-07-09T17:00:00Z') })
    // A change of the amount paid keeps the day's bounds.
    patchClaim((db.conn.sqlite.prepare(`SELECT id FROM claims WHERE source_id = 'E-901'`).get() as { id: number }).id, { paidCents: 10000 })
    expect(bounds('2026-07-01')).toEqual({ lo: Date.parse('2026-07-02T08:00:00Z'), hi: Date.parse('2026-07-09T17:00:00Z') })
    expectRollupConsistent()
  })

  it('reads NDJSON and CSV the same as JSON', () => {
    const ndjson = [claim(10), claim(11)].map(c => JSON.stringify(c)).join('\n')
    expect(ingestClaims(`${ndjson}\n`, 'application/x-ndjson')).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    const header = 'source,sourceId,providerId,payer,patientRef,cptCode,dateOfService,submittedAt,status,denialReason,billedCents,paidCents'
    const csv = [header,
      'ehr-east,E-12,2,Cigna,PT-c12,99213,2026-05-11,2026-05-13T10:00:00Z,denied,CO-97,9000,0',
      'ehr-east,E-10,2,Aetna,PT-x10,99214,2026-05-10,2026-05-12T09:30:00Z,paid,,15000,12000'].join('\n')
    expect(ingestClaims(csv, 'text/csv')).toEqual({ inserted: 1, updated: 1, unchanged: 0 })
    expect(db.conn.sqlite.prepare(`SELECT status, denial_reason AS r, provider_id AS p FROM claims WHERE source_id = 'E-12'`).get()).toEqual({ status: 'denied', r: 'CO-97', p: 2 })
    expectRollupConsistent()
  })

  it('rejects the whole batch, naming every bad row and field, and writes nothing', () => {
    const before = count()
    const batch = [claim(20), claim(21, { billedCents: -5 }), claim(22, { status: 'denied' }), claim(23, { providerId: 999 }), claim(20), claim(24, { dateOfService: '2026-02-30' })]
    let error: IngestRejected | undefined
    try {
      ingestClaims(JSON.stringify(batch), 'application/json')
    }
    catch (e) {
      error = e as IngestRejected
    }
    expect(error).toBeInstanceOf(IngestRejected)
    expect(error!.issues.map(i => i.path)).toEqual(['[1].billedCents', '[2].denialReason', '[3].providerId', '[4].sourceId', '[5].dateOfService'])
    expect(count()).toBe(before)
  })

  it('refuses names in patientRef, unknown fields and bodies that are not what they claim', () => {
    const rejected = (body: string, format: 'application/json' | 'application/x-ndjson' | 'text/csv') => {
      try {
        ingestClaims(body, format)
      }
      catch (e) {
        return (e as IngestRejected).issues
      }
      throw new Error('accepted')
    }
    expect(rejected(JSON.stringify([claim(30, { patientRef: 'Jane Doe' })]), 'application/json')[0]!.path).toBe('[0].patientRef')
    expect(rejected(JSON.stringify([claim(31, { ssn: '123' })]), 'application/json')).toEqual([{ path: '[0].ssn', message: 'is not a known field' }])
    expect(rejected('{"not":"an array"}', 'application/json')[0]!.message).toMatch(/array/)
    expect(rejected('[1,', 'application/json')[0]!.message).toMatch(/JSON/)
    expect(rejected(`${JSON.stringify(claim(32))}\n{oops`, 'application/x-ndjson')[0]!.path).toBe('[1]')
    expect(rejected('[]', 'application/json')[0]!.message).toMatch(/at least one/)
  })

  it('refuses more than 10,000 claims', () => {
    const many = Array.from({ length: MAX_INGEST_ROWS + 1 }, (_, i) => claim(100 + i))
    expect(() => ingestClaims(JSON.stringify(many), 'application/json')).toThrow(IngestTooLarge)
  })
})

describe('patch', () => {
  const idOf = (sourceId: string) => (db.conn.sqlite.prepare('SELECT id FROM claims WHERE source_id = ?').get(sourceId) as { id: number }).id

  it('follows the allowed transitions and keeps the rollup in step', () => {
    ingestClaims(JSON.stringify([claim(50, { status: 'submitted', paidCents: 0 })]), 'application/json')
    const id = idOf('E-50')
    expect(patchClaim(id, { status: 'denied', denialReason: 'CO-50' })?.claim).toMatchObject({ status: 'denied', denialReason: 'CO-50' })
    expect(patchClaim(id, { status: 'appealed' })?.claim).toMatchObject({ status: 'appealed', denialReason: null })
    expect(patchClaim(id, { status: 'paid', paidCents: 9000 })?.claim).toMatchObject({ status: 'paid', paidCents: 9000 })
    expectRollupConsistent()
  })

  it('answers conflicts for impossible changes and leaves the claim as it was', () => {
    const id = idOf('E-50') // paid
    expect(() => patchClaim(id, { status: 'pending' })).toThrow(ClaimConflictError)
    expect(() => patchClaim(id, { paidCents: 999_999 })).toThrow(/exceeds/)
    expect(() => patchClaim(id, { denialReason: 'CO-16' })).toThrow(/only kept on denied/)
    ingestClaims(JSON.stringify([claim(51, { status: 'pending', paidCents: 0 })]), 'application/json')
    expect(() => patchClaim(idOf('E-51'), { status: 'denied' })).toThrow(/needs a denialReason/)
    expect(db.conn.sqlite.prepare('SELECT status, paid_cents AS p FROM claims WHERE id = ?').get(id)).toEqual({ status: 'paid', p: 9000 })
    expect(patchClaim(999_999, { status: 'paid' })).toBeUndefined()
  })
})

describe('metrics from the rollup', () => {
  it('never scan claims or a whole rollup, and never sort for ORDER BY (EXPLAIN QUERY PLAN)', () => {
    const metrics = queryCatalog().filter(q => q.name.startsWith('claims.metrics.'))
    expect(metrics.map(q => q.name)).toEqual(expect.arrayContaining(['claims.metrics.byDay', 'claims.metrics.byWeek', 'claims.metrics.byMonth',
      'claims.metrics.byProvider', 'claims.metrics.byPayer', 'claims.metrics.byDenialReason',
      'claims.metrics.byProvider[long]', 'claims.metrics.byPayer[long]', 'claims.metrics.byDenialReason[long]']))
    for (const q of metrics) {
      const plan = explain(db.conn.sqlite, q.sql)
      if (q.name.endsWith('[long]')) {
        // By a dimension's key: the covering (dim, key, day, sums) index, in key order, so
        // neither a table lookup nor a sort for GROUP BY.
        expect(plan, q.name).toMatch(/SEARCH claims_daily USING COVERING INDEX idx_claims_daily_dim_key_day \(dim=\?\)/)
        expect(plan, q.name).not.toMatch(/TEMP B-TREE/)
      }
      else {
        expect(plan, q.name).toMatch(/SEARCH claims_daily USING (COVERING )?INDEX idx_claims_daily_dim_day_key \(dim=\? AND day>\? AND day<\?\)/)
      }
      expect(plan, q.name).not.toMatch(/SCAN claims|TEMP B-TREE FOR ORDER BY/)
    }
  })

  const raw = (from: string, to: string) => db.conn.sqlite.prepare(`SELECT count(*) AS claims, sum(status = 'denied') AS denied, sum(status = 'paid') AS paid,
    sum(billed_cents) AS billedCents, sum(paid_cents) AS paidCents, sum(CASE WHEN status = 'denied' THEN billed_cents ELSE 0 END) AS deniedCents
    FROM claims WHERE date_of_service BETWEEN ? AND ?`).get(from, to) as Record<string, number>

  // Half a year takes the key walk for provider, payer and denialReason; a month reads its own rows.
  const windows = [['2026-01-01', '2026-06-30'], ['2026-03-01', '2026-03-31']] as const
  const groupings = ['day', 'week', 'month', 'provider', 'payer', 'denialReason'] as const
  it.each(groupings.flatMap(g => windows.map(([from, to]) => ({ groupBy: g, from, to }))))('totals and series by $groupBy from $from to $to equal sums over the claims rows', async ({ groupBy, from, to }) => {
    const m = (await claimsMetrics(MetricsQuery.parse({ from, to, groupBy })))
    const want = raw(from, to)
    expect(m.totals).toMatchObject(want)
    expect(m.totals.denialRate).toBeCloseTo(want.denied! / want.claims!, 12)
    // Denial reasons: the series shows denied claims' reasons only, so it adds up to the denied ones.
    const fields = groupBy === 'denialReason' ? ['denied', 'deniedCents'] as const : ['claims', 'denied', 'paid', 'billedCents', 'paidCents', 'deniedCents'] as const
    for (const field of fields) {
      expect(m.series.reduce((sum, s) => sum + s[field], 0)).toBe(want[field])
    }
  })

  it('buckets weeks by their Monday and months by YYYY-MM', async () => {
    const weeks = (await claimsMetrics(MetricsQuery.parse({ from: '2026-03-01', to: '2026-03-31', groupBy: 'week' }))).series.map(s => s.key)
    expect(weeks[0]).toBe('2026-02-23')
    for (const w of weeks) expect(new Date(`${w}T00:00:00Z`).getUTCDay()).toBe(1)
    expect((await claimsMetrics(MetricsQuery.parse({ from: '2026-01-01', to: '2026-06-30', groupBy: 'month' }))).series.map(s => s.key))
      .toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'])
  })

  it('lists denial reasons with the counts of the raw rows', async () => {
    const m = (await claimsMetrics(MetricsQuery.parse({ from: '2026-01-01', to: '2026-06-30', groupBy: 'denialReason' })))
    const want = db.conn.sqlite.prepare(`SELECT denial_reason AS key, count(*) AS denied FROM claims WHERE denial_reason IS NOT NULL
      AND date_of_service BETWEEN '2026-01-01' AND '2026-06-30' GROUP BY denial_reason ORDER BY denial_reason`).all()
    expect(m.series.map(s => ({ key: s.key, denied: s.denied }))).toEqual(want)
  })
})

describe('denial patterns', () => {
  it('counts combinations in the period and against the previous period of equal length', async () => {
    const result = (await denialPatterns(DenialPatternsQuery.parse({ from: '2026-04-01', to: '2026-06-29', limit: '500', minCount: '1' })))
    expect(result.previous).toEqual({ from: '2026-01-01', to: '2026-03-31' })
    const rows = db.conn.sqlite.prepare(`SELECT denial_reason AS r, provider_id AS p, payer, sum(date_of_service >= '2026-04-01') AS now,
      sum(date_of_service < '2026-04-01') AS prev FROM claims WHERE status = 'denied' AND date_of_service BETWEEN '2026-01-01' AND '2026-06-29'
      GROUP BY 1, 2, 3 HAVING now >= 1`).all() as { r: string, p: number, payer: string, now: number, prev: number }[]
    expect(result.data).toHaveLength(rows.length)
    const total = rows.reduce((s, r) => s + r.now, 0)
    expect(result.totalDenied).toBe(total)
    for (const r of rows) {
      const found = result.data.find(d => d.denialReason === r.r && d.providerId === r.p && d.payer === r.payer)!
      expect(found).toMatchObject({ count: r.now, previousCount: r.prev, providerName: `Clinic ${r.p}` })
      expect(found.share).toBeCloseTo(r.now / total, 12)
      expect(found.trend).toBe(r.prev === 0 ? null : (r.now - r.prev) / r.prev)
    }
    const counts = result.data.map(d => d.count)
    expect(counts).toEqual([...counts].sort((a, b) => b - a))
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countClaims } from '../../server/services/claims/count.ts'
import { buildListStatement, listClaims } from '../../server/services/claims/list.ts'
import { rebuildClaimsRollup } from '../../server/services/claims/rollup.ts'
import { configurePlanner } from '../../server/services/claims/planner.ts'
import { ListClaimsQuery } from '../../server/services/claims/schemas.ts'
import { explain } from '../../server/services/query/index.ts'
import { stopOffThreadWorker } from '../../server/services/query/off-thread.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
let all: any[]
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn)
  db.conn.sqlite.exec('ANALYZE')
  // The fixture has 3000 claims: scale the probe's bound down with it, as a million claims
  // relate to the default of 4000.
  configurePlanner({ probeCap: 40 })
  all = db.conn.sqlite.prepare(`SELECT id, provider_id AS providerId, payer, date_of_service AS dateOfService, submitted_at AS submittedAt,
    status, denial_reason AS denialReason, billed_cents AS billedCents FROM claims`).all()
})
afterAll(async () => {
  await stopOffThreadWorker()
  db.dispose()
})

const parse = (query: Record<string, unknown>) => ListClaimsQuery.parse(query)

const SORTS = ['dateOfService', '-dateOfService', 'billedCents', '-billedCents', 'submittedAt', '-submittedAt']
const COMMON_FILTERS: Record<string, unknown>[] = [
  {},
  { status: 'denied' },
  { status: ['paid', 'approved'] },
  { providerId: '2' },
  { payer: 'Aetna' },
  { denialReason: 'CO-16' },
  { from: '2026-02-01', to: '2026-03-31' },
  { status: 'paid', from: '2026-02-01' },
  { providerId: '3', from: '2026-01-15', to: '2026-04-30' },
  { payer: 'Cigna', status: 'pending' },
  { minBilledCents: '2000', maxBilledCents: '4000' },
]

const COUNTS = ['claims', 'submitted', 'pending', 'approved', 'denied', 'paid', 'appealed']

/**
 * The planner reads only the rollup (and a bounded probe for amount ranges). Multiplying the
 * rollup by 333 makes it see a million claims with the fixture's proportions, so these tests
 * show the plans it picks at the size the portal is built for, on real statements.
 */
function scaleRollup(factor: number): void {
  db.conn.sqlite.exec(`UPDATE claims_daily SET ${COUNTS.map(c => `${c} = ${c} * ${factor}`).join(', ')}`)
}

function planFor(query: Record<string, unknown>, withCursor: boolean): string {
  const { sql } = buildListStatement(parse(query), withCursor)
  return explain(db.conn.sqlite, sql)
}

describe('claims list plans at a million claims (EXPLAIN QUERY PLAN)', () => {
  beforeAll(() => scaleRollup(333))
  afterAll(() => db.conn.sqlite.exec(`UPDATE claims_daily SET ${COUNTS.map(c => `${c} = ${c} / 333`).join(', ')}`))

  let cappedShapes = 0
  afterAll(() => {
    // The capped-walk checks below run only for shapes the planner caps: some must be.
    expect(cappedShapes).toBeGreaterThan(0)
  })

  for (const sort of SORTS) {
    for (const filters of COMMON_FILTERS) {
      it(`sort=${sort} ${JSON.stringify(filters)}: an index, no full scan, no sort step`, () => {
        for (const withCursor of [false, true]) {
          const plan = planFor({ ...filters, sort }, withCursor)
          expect(plan).toMatch(/(SEARCH|SCAN) claims USING (COVERING )?INDEX idx_claims_/)
          expect(plan).not.toMatch(/SCAN claims$/m)
          expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/)
          // A capped walk: its probe reads the index alone, its walk is ordered, its rest
          // reads the fallback's range (and may sort it: that is what it is for).
          const { capped } = buildListStatement(parse({ ...filters, sort }), withCursor)
          if (!capped) continue
          cappedShapes++
          expect(explain(db.conn.sqlite, capped.probe.sql)).toMatch(/USING COVERING INDEX idx_claims_/)
          expect(explain(db.conn.sqlite, capped.probe2.sql)).toMatch(/USING COVERING INDEX idx_claims_/)
          for (const walk of [capped.walk, capped.walk2, capped.walk2All]) expect(explain(db.conn.sqlite, walk.sql)).not.toMatch(/TEMP B-TREE|SCAN claims$/m)
          expect(explain(db.conn.sqlite, capped.rest.sql)).toMatch(/SEARCH claims USING (COVERING )?INDEX idx_claims_/)
        }
      })
    }
  }

  it('reads a rare combination through a filter index and sorts it, instead of walking the sort index', () => {
    const plan = planFor({ denialReason: 'CO-97', payer: 'Aetna', from: '2026-03-01', to: '2026-03-07', sort: '-billedCents' }, false)
    expect(plan).toMatch(/USING INDEX idx_claims_(denial|payer)_date/)
    expect(plan).toMatch(/TEMP B-TREE FOR ORDER BY/)
  })

  // A provider's amounts follow its specialty (the fixture's provider n bills 10n to 10n+9
  // dollars), so its claims sit at one stretch of idx_claims_billed: walking that index for
  // them would step over every other provider's cheaper (or dearer) claims first.
  it.each(['billedCents', '-billedCents'])('sort=%s with a provider walks the provider\'s own amount order', (sort) => {
    for (const filters of [{ providerId: '5' }, { providerId: '1', status: 'paid' }, { providerId: '3', payer: 'Cigna', minBilledCents: '3200' }]) {
      for (const withCursor of [false, true]) {
        const plan = planFor({ ...filters, sort }, withCursor)
        expect(plan).toMatch(/SEARCH claims USING INDEX idx_claims_provider_billed \(provider_id=\?/)
        expect(plan).not.toMatch(/idx_claims_billed\b|TEMP B-TREE/)
      }
    }
    // A provider and an amount range at the edge of what it bills: the probe counts the
    // provider's claims in that range (about 60 in the fixture, so the probe's bound is raised
    // above that), and the page reads and sorts them instead of walking idx_claims_submitted
    // for matches that are rare along it.
    configurePlanner({ probeCap: 100 })
    try {
      const plan = planFor({ providerId: '2', minBilledCents: '2900', maxBilledCents: '5000', sort: '-submittedAt' }, false)
      expect(plan).toMatch(/idx_claims_provider_billed \(provider_id=\? AND billed_cents>\? AND billed_cents<\?\)/)
    }
    finally {
      configurePlanner({ probeCap: 40 })
    }
  })

  // submitted_at follows date_of_service, so the claims of a date range sit in one stretch of
  // idx_claims_submitted; the rollup's per-day submitted_at bounds confine the walk to it.
  it.each(['submittedAt', '-submittedAt'])('sort=%s with a date range walks only the stretch those days were submitted in', (sort) => {
    for (const filters of [{ from: '2026-05-01', to: '2026-05-31' }, { from: '2026-06-01' }, { to: '2026-01-31', status: 'paid' }]) {
      for (const withCursor of [false, true]) {
        const plan = planFor({ ...filters, sort }, withCursor)
        expect(plan).toMatch(/SEARCH claims USING INDEX idx_claims_submitted \(submitted_at>\? AND submitted_at<\?\)/)
        expect(plan).not.toMatch(/TEMP B-TREE/)
      }
    }
    const { params } = buildListStatement(parse({ from: '2026-05-01', to: '2026-05-31', sort }), false)
    const inMay = all.filter(c => c.dateOfService >= '2026-05-01' && c.dateOfService <= '2026-05-31').map(c => c.submittedAt)
    expect(params).toMatchObject({ submittedLo: Math.min(...inMay), submittedHi: Math.max(...inMay) })
  })

  it('walks all of idx_claims_submitted when a day\'s bounds are unknown (written before they were kept)', () => {
    db.conn.sqlite.exec(`UPDATE claims_daily SET min_submitted_at = NULL, max_submitted_at = NULL WHERE day = '2026-05-10'`)
    try {
      const { sql, params } = buildListStatement(parse({ from: '2026-05-01', to: '2026-05-31', sort: 'submittedAt' }), false)
      expect(sql).not.toMatch(/submitted_at BETWEEN/)
      expect(params).not.toHaveProperty('submittedLo')
    }
    finally {
      rebuildClaimsRollup(db.conn.sqlite)
      scaleRollup(333)
    }
  })

  // A claim's status follows its age, so for several statuses the date sort merges one
  // (status, date, id) range per status rather than walking the date index past other statuses.
  it.each(['dateOfService', '-dateOfService'])('sort=%s with several statuses merges one ordered range per status', (sort) => {
    for (const filters of [{ status: ['approved', 'appealed'] }, { status: ['approved', 'appealed', 'pending'], from: '2026-02-01' }]) {
      for (const withCursor of [false, true]) {
        const plan = planFor({ ...filters, sort }, withCursor)
        const ranges = plan.match(/SEARCH claims USING INDEX idx_claims_status_date \(status=\?/g) ?? []
        expect(ranges).toHaveLength(filters.status.length * (withCursor ? 2 : 1))
        expect(plan).toMatch(/MERGE \(UNION ALL\)/)
        expect(plan).not.toMatch(/TEMP B-TREE/)
      }
    }
  })

  // A status follows a claim's age: submitted claims are the last days' ones. The estimate
  // (matches spread along the walk) would walk idx_claims_submitted from its oldest end; the
  // cap stops that walk and reads the status's own range for the rest of the page.
  it.each(['submittedAt', '-billedCents'])('sort=%s with a filter its index does not bound caps the walk and falls back', (sort) => {
    const { path, capped } = buildListStatement(parse({ status: 'submitted', sort }), false)
    expect(path.ordered).toBe(true)
    expect(path.fallback).toMatchObject({ index: 'idx_claims_status_date', ordered: false })
    expect(capped!.probe.sql).toMatch(/LIMIT 1 OFFSET @walkCap$/)
    expect(explain(db.conn.sqlite, capped!.rest.sql)).toMatch(/idx_claims_status_date \(status=\?/)
  })

  // A page after a cursor seeks on both index columns: the rest of the cursor's key
  // (key = ? AND id < ?), then the keys past it, merged in order without a sort.
  it.each(SORTS)('sort=%s: a cursor page bounds the index range by the key and the id', (sort) => {
    for (const filters of [{}, { status: 'denied' }, { providerId: '2' }, { from: '2026-02-01', to: '2026-03-31' }]) {
      const plan = planFor({ ...filters, sort }, true)
      expect(plan).toMatch(/SEARCH claims USING INDEX idx_claims_\w+ \((\w+=\? AND )*(date_of_service|billed_cents|submitted_at)=\? AND id[<>]\?\)/)
      expect(plan).not.toMatch(/TEMP B-TREE/)
    }
  })

  it('walks every page of the common shapes correctly with those plans', async () => {
    for (const sort of SORTS) {
      for (const filters of COMMON_FILTERS.slice(0, 6)) {
        const query = { ...filters, sort, limit: '250' }
        expect(await walk(query)).toEqual(expected(query))
      }
    }
  })
})

/** The same query answered naively in JavaScript. */
function expected(query: Record<string, unknown>): number[] {
  const q = parse(query)
  const key = q.sort.replace('-', '') as 'dateOfService' | 'billedCents' | 'submittedAt'
  const dir = q.sort.startsWith('-') ? -1 : 1
  return all
    .filter(c => (!q.status || q.status.includes(c.status)) && (q.providerId === undefined || c.providerId === q.providerId)
      && (q.payer === undefined || c.payer === q.payer) && (q.denialReason === undefined || c.denialReason === q.denialReason)
      && (!q.from || c.dateOfService >= q.from) && (!q.to || c.dateOfService <= q.to)
      && (q.minBilledCents === undefined || c.billedCents >= q.minBilledCents) && (q.maxBilledCents === undefined || c.billedCents <= q.maxBilledCents))
    .sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : (a.id - b.id) * dir))
    .map(c => c.id)
}

async function walk(query: Record<string, unknown>): Promise<number[]> {
  const ids: number[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 500; pages++) {
    const page = (await listClaims(parse({ ...query, ...(cursor ? { cursor } : {}) })))
    ids.push(...page.data.map(c => c.id))
    if (!page.page.nextCursor) break
    cursor = page.page.nextCursor
  }
  return ids
}

describe('listClaims', () => {
  const cases = [
    ...SORTS.flatMap(sort => COMMON_FILTERS.map(f => ({ ...f, sort, limit: '97' }))),
    { providerId: '4', denialReason: 'CO-97', sort: '-billedCents', limit: '2' },
    { status: ['denied', 'appealed', 'pending'], payer: 'Medicare', sort: 'submittedAt', limit: '13' },
    { minBilledCents: '3000', sort: '-dateOfService', limit: '200' },
  ]
  it.each(cases)('walking every page of %j returns each matching claim once, in order', async (query) => {
    const want = expected(query)
    expect(want.length).toBeGreaterThan(0)
    expect(await walk(query)).toEqual(want)
  })

  it.each([
    { status: 'submitted', denialReason: 'CO-16' },
    { status: ['paid', 'pending'], denialReason: 'CO-97', sort: '-billedCents' },
    { providerId: '1', minBilledCents: '5000', sort: 'submittedAt' },
  ])('answers %j, which the rollup shows nothing matches, with an empty page and no claims read', async (query) => {
    expect(expected(query)).toEqual([])
    expect(buildListStatement(parse(query), false).path.none).toBe(true)
    expect((await listClaims(parse(query)))).toEqual({ data: [], page: { limit: 50, nextCursor: null } })
  })

  // With the walk capped at 30 entries, most pages of these shapes stop their walk early and
  // finish through the fallback: the pages must still be exactly the uncapped ones.
  it.each([
    { status: 'submitted', sort: 'submittedAt', limit: '20' },
    { status: 'paid', payer: 'Aetna', sort: '-billedCents', limit: '7' },
    { denialReason: 'CO-16', sort: '-submittedAt', limit: '11' },
    { status: 'pending', minBilledCents: '3000', sort: 'billedCents', limit: '5' },
    { providerId: '3', status: 'approved', from: '2026-02-01', to: '2026-04-30', sort: '-submittedAt', limit: '3' },
  ])('walking every page of %j with a capped walk returns each matching claim once, in order', async (query) => {
    configurePlanner({ probeCap: 40, walkCap: 30 })
    try {
      // More than one page, so the walk really goes past its cap.
      expect(expected(query).length).toBeGreaterThan(Number(query.limit))
      expect(await walk(query)).toEqual(expected(query))
    }
    finally {
      configurePlanner({ probeCap: 40 })
    }
  })

  it('renders claims as the API shows them', async () => {
    const [claim] = (await listClaims(parse({ limit: '1' }))).data
    expect(claim).toEqual({
      id: expect.any(Number), source: 'fixture', sourceId: expect.any(String), providerId: expect.any(Number), payer: expect.any(String),
      patientRef: expect.stringMatching(/^PT-/), cptCode: '99213', dateOfService: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      submittedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/), status: expect.any(String), denialReason: claim!.status === 'denied' ? expect.any(String) : null,
      billedCents: expect.any(Number), paidCents: expect.any(Number),
    })
  })
})

describe('countClaims', () => {
  it.each([
    {},
    { status: ['denied', 'appealed'] },
    { providerId: '2', from: '2026-02-01', to: '2026-02-28' },
    { payer: 'Aetna', status: 'paid' },
    { denialReason: 'CO-16' },
    { providerId: '1', payer: 'Cigna' },
    { minBilledCents: '2500' },
    { status: 'denied', minBilledCents: '1000', maxBilledCents: '3000', from: '2026-03-01' },
  ])('counts %j exactly', async (query) => {
    expect(await countClaims(parse(query))).toBe(expected(query).length)
  })
})

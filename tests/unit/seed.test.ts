import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rebuildClaimsRollup } from '../../server/services/claims/rollup.ts'
import { METRICS } from '../../server/services/health/catalog.ts'
import { HOT_SPOTS, npiWithCheckDigit } from '../../server/services/seed/claims-model.ts'
import { isDatabaseEmpty, plantedEffects, resetData, seedDatabase, type SeedReport } from '../../server/services/seed/index.ts'
import { tempDatabase } from './helpers.ts'

const OPTIONS = { claims: 20_000, people: 12, days: 200, seed: 9, end: '2026-06-30' }

let db: ReturnType<typeof tempDatabase>
let report: SeedReport
beforeAll(() => {
  db = tempDatabase()
  report = seedDatabase(db.conn, OPTIONS)
})
afterAll(() => db.dispose())

const all = <T>(sql: string, ...params: unknown[]) => db.conn.sqlite.prepare(sql).all(...params) as T[]
const one = <T>(sql: string, ...params: unknown[]) => db.conn.sqlite.prepare(sql).get(...params) as T

// Every column that holds a time, found from the schema so a new one is checked too: integer
// instants (`at`, `*_at`) and UTC days (`day`, `date_of_service`).
interface TimeColumn { table: string, column: string, kind: 'instant' | 'day' }
function timeColumns(sqlite: typeof db.conn.sqlite): TimeColumn[] {
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`).pluck().all() as string[]
  return tables.flatMap(table => (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).flatMap((column): TimeColumn[] => {
    if (column === 'at' || column.endsWith('_at')) return [{ table, column, kind: 'instant' }]
    if (column === 'day' || column === 'date_of_service') return [{ table, column, kind: 'day' }]
    return []
  }))
}

/** Rows of each time column that lie after the end, and how many rows each column has. */
function afterEnd(sqlite: typeof db.conn.sqlite, endMs: number) {
  const endDay = new Date(endMs).toISOString().slice(0, 10)
  return timeColumns(sqlite).map(({ table, column, kind }) => ({
    column: `${table}.${column}`,
    ...sqlite.prepare(`SELECT count(${column}) AS rows, coalesce(sum(${column} > ?), 0) AS after FROM ${table}`).get(kind === 'instant' ? endMs : endDay) as { rows: number, after: number },
  }))
}

function fingerprint(): string {
  const hash = createHash('sha256')
  for (const table of ['providers', 'claims', 'claims_daily', 'people', 'health_data_points', 'health_daily', 'supplement_intakes']) {
    // Whole rows: created_at and updated_at are generated too (not the seed's wall clock).
    for (const row of db.conn.sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().iterate()) hash.update(JSON.stringify(row))
  }
  return hash.digest('hex')
}

describe('seedDatabase', () => {
  it('writes what it reports, in the requested window', () => {
    expect(report).toMatchObject({ providers: 60, claims: 20_000, people: 12, end: '2026-06-30' })
    expect(one<{ n: number }>('SELECT count(*) AS n FROM claims').n).toBe(20_000)
    expect(one<{ n: number }>('SELECT count(*) AS n FROM health_data_points').n).toBe(report.points)
    expect(one<{ n: number }>('SELECT count(*) AS n FROM supplement_intakes').n).toBe(report.intakes)
    expect(one<{ lo: string, hi: string }>('SELECT min(date_of_service) AS lo, max(date_of_service) AS hi FROM claims')).toEqual({ lo: '2025-12-13', hi: '2026-06-30' })
    expect(isDatabaseEmpty(db.conn)).toBe(false)
  })

  it('ends a given day at its last instant: nothing lies after it', () => {
    expect(report.endAt).toBe('2026-06-30T23:59:59.999Z')
    expect(afterEnd(db.conn.sqlite, Date.parse(report.endAt)).filter(c => c.after > 0)).toEqual([])
  })

  it('is deterministic: the same options give the same rows', () => {
    const first = fingerprint()
    resetData(db.conn)
    expect(isDatabaseEmpty(db.conn)).toBe(true)
    seedDatabase(db.conn, OPTIONS)
    expect(fingerprint()).toBe(first)
  })

  it('fills the claims rollup exactly as a rebuild from the rows would', () => {
    const snapshot = () => all('SELECT * FROM claims_daily ORDER BY dim, day, key')
    const incremental = snapshot()
    rebuildClaimsRollup(db.conn.sqlite)
    expect(snapshot()).toEqual(incremental)
  })

  it('fills the health rollup exactly as an aggregate of the points', () => {
    const fromPoints = all(`SELECT person_id, metric, date(at / 1000, 'unixepoch') AS day, count(*) AS count, round(sum(value), 6) AS sum, min(value) AS min, max(value) AS max
      FROM health_data_points GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    const rollup = all('SELECT person_id, metric, day, count, round(sum, 6) AS sum, min, max FROM health_daily ORDER BY 1, 2, 3')
    expect(rollup).toEqual(fromPoints)
  })

  it('has a realistic status mix, recent claims still open, and only denied claims carry a reason', () => {
    const mix = Object.fromEntries(all<{ status: string, share: number }>(`SELECT status, count(*) * 1.0 / 20000 AS share FROM claims GROUP BY status`).map(r => [r.status, r.share]))
    expect(mix.paid).toBeGreaterThan(0.6)
    expect(mix.denied).toBeGreaterThan(0.05)
    expect(mix.denied).toBeLessThan(0.2)
    for (const s of ['submitted', 'pending', 'approved', 'appealed']) expect(mix[s]).toBeGreaterThan(0.003)
    const lastWeekOpen = one<{ share: number }>(`SELECT avg(status IN ('submitted', 'pending')) AS share FROM claims WHERE date_of_service > '2026-06-27'`).share
    expect(lastWeekOpen).toBeGreaterThan(0.9)
    expect(one<{ n: number }>(`SELECT count(*) AS n FROM claims WHERE (status = 'denied') != (denial_reason IS NOT NULL)`).n).toBe(0)
  })

  it('puts fewer claims on weekends and plants the denial hot spots', () => {
    const byWeekday = all<{ wd: string, n: number }>(`SELECT strftime('%w', date_of_service) AS wd, count(*) AS n FROM claims GROUP BY wd`)
    const weekday = byWeekday.find(r => r.wd === '3')!.n
    expect(byWeekday.find(r => r.wd === '0')!.n).toBeLessThan(weekday / 4)
    const hot = HOT_SPOTS[0]!
    const rate = (where: string) => one<{ r: number }>(`SELECT avg(denial_reason = ?) AS r FROM claims WHERE status IN ('paid', 'denied', 'appealed') AND ${where}`, hot.reason).r
    expect(rate(`provider_id = ${hot.provider} AND payer = '${hot.payer}'`)).toBeGreaterThan(5 * rate(`provider_id != ${hot.provider}`))
  })

  it('gives providers valid NPIs and unique names', () => {
    const providers = all<{ npi: string, name: string }>('SELECT npi, name FROM providers')
    expect(new Set(providers.map(p => p.name)).size).toBe(60)
    for (const p of providers) expect(npiWithCheckDigit(p.npi.slice(0, 9))).toBe(p.npi)
    // The published example NPI from CMS's check-digit guide.
    expect(npiWithCheckDigit('123456789')).toBe('1234567893')
  })

  it('writes health values inside each metric\'s plausible range, with missing days and a weekly rhythm', () => {
    for (const r of all<{ metric: keyof typeof METRICS, lo: number, hi: number }>('SELECT metric, min(value) AS lo, max(value) AS hi FROM health_data_points GROUP BY metric')) {
      expect(r.lo).toBeGreaterThanOrEqual(METRICS[r.metric].min)
      expect(r.hi).toBeLessThanOrEqual(METRICS[r.metric].max)
    }
    const days = one<{ n: number }>(`SELECT count(*) AS n FROM health_daily WHERE person_id = 1 AND metric = 'resting_heart_rate'`).n
    expect(days).toBeLessThan(200)
    expect(days).toBeGreaterThan(150)
    const sleep = (where: string) => one<{ m: number }>(`SELECT avg(sum / count) AS m FROM health_daily WHERE metric = 'sleep_minutes' AND ${where}`).m
    expect(sleep(`strftime('%w', day) IN ('0', '6')`) - sleep(`strftime('%w', day) IN ('2', '3', '4')`)).toBeGreaterThan(15)
    // Glucose is intraday: several readings a day.
    expect(one<{ c: number }>(`SELECT max(count) AS c FROM health_daily WHERE metric = 'glucose'`).c).toBeGreaterThan(1)
  })

  it('documents planted effects whose supplement and metric the person really has', () => {
    const planted = plantedEffects(OPTIONS.people)
    expect(planted.length).toBe(3)
    for (const e of planted) {
      const person = one<{ id: number }>('SELECT id FROM people WHERE ref = ?', e.personId)
      expect(one<{ n: number }>('SELECT count(*) AS n FROM supplement_intakes WHERE person_id = ? AND supplement_id = ?', person.id, e.supplementId).n).toBeGreaterThan(40)
      expect(one<{ n: number }>('SELECT count(*) AS n FROM health_daily WHERE person_id = ? AND metric = ?', person.id, e.metric).n).toBeGreaterThan(100)
    }
  })
})

describe('seedDatabase\'s end instant', () => {
  it('writes nothing after an end instant in the middle of a day, and the day up to it', () => {
    const mid = tempDatabase()
    try {
      const end = '2026-06-30T12:34:56.789Z'
      const endMs = Date.parse(end)
      const seeded = seedDatabase(mid.conn, { claims: 5000, people: 8, days: 40, seed: 4, end })
      expect(seeded).toMatchObject({ end: '2026-06-30', endAt: end, claims: 5000 })
      const columns = afterEnd(mid.conn.sqlite, endMs)
      // The generated data's own times are all among the columns checked, and hold rows.
      const filled = columns.filter(c => c.rows > 0).map(c => c.column)
      expect(filled).toEqual(expect.arrayContaining(['claims.submitted_at', 'claims.date_of_service', 'claims.created_at', 'claims.updated_at',
        'claims_daily.day', 'claims_daily.max_submitted_at', 'health_data_points.at', 'health_daily.day', 'supplement_intakes.taken_at',
        'providers.created_at', 'people.created_at']))
      expect(columns.filter(c => c.after > 0)).toEqual([])
      // The morning of the end day is there: the end cuts the day, it does not drop it.
      const dayStart = Date.parse('2026-06-30T00:00:00Z')
      const onEndDay = (sql: string) => (mid.conn.sqlite.prepare(sql).get(dayStart) as { n: number }).n
      expect(onEndDay('SELECT count(*) AS n FROM health_data_points WHERE at >= ?')).toBeGreaterThan(0)
      expect(onEndDay('SELECT count(*) AS n FROM supplement_intakes WHERE taken_at >= ?')).toBeGreaterThan(0)
      expect(onEndDay('SELECT count(*) AS n FROM claims WHERE submitted_at >= ?')).toBeGreaterThan(0)
      // Recent visits' submissions are spread over the days up to the end, not piled on it.
      expect(onEndDay(`SELECT count(*) AS n FROM claims WHERE submitted_at = ${endMs} AND ? > 0`)).toBeLessThan(3)
    }
    finally {
      mid.dispose()
    }
  })

  it('ends now without an end (a seed at 18:29 writes nothing submitted later that day)', () => {
    const now = tempDatabase()
    try {
      const before = Date.now()
      const seeded = seedDatabase(now.conn, { claims: 2000, people: 2, days: 10, seed: 5 })
      const endMs = Date.parse(seeded.endAt)
      expect(endMs).toBeGreaterThanOrEqual(before)
      expect(endMs).toBeLessThanOrEqual(Date.now())
      expect(afterEnd(now.conn.sqlite, endMs).filter(c => c.after > 0)).toEqual([])
    }
    finally {
      now.dispose()
    }
  })

  it('refuses an end that is neither a day nor an instant with its offset', () => {
    const bad = tempDatabase()
    try {
      for (const end of ['30/06/2026', '2026-06-30T12:00:00', '2026-02-30', 'soon']) {
        expect(() => seedDatabase(bad.conn, { claims: 10, people: 0, days: 1, seed: 1, end })).toThrow(/end must be a day YYYY-MM-DD or an ISO instant/)
      }
      expect(isDatabaseEmpty(bad.conn)).toBe(true)
    }
    finally {
      bad.dispose()
    }
  })
})

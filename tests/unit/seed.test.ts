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

function fingerprint(): string {
  const hash = createHash('sha256')
  for (const table of ['providers', 'claims', 'claims_daily', 'people', 'health_data_points', 'health_daily', 'supplement_intakes']) {
    for (const row of db.conn.sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().iterate()) {
      // created_at/updated_at are wall-clock defaults, not generated data.
      hash.update(JSON.stringify(table === 'claims' ? (row as unknown[]).slice(0, 13) : table === 'providers' || table === 'people' ? (row as unknown[]).slice(0, -1) : row))
    }
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

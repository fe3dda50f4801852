// Correlations on seeded data with planted effects (server/services/seed/health-model.ts), and
// the recompute's edge cases on hand-made series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getCorrelation, listCorrelations, listInsights } from '../../server/services/correlations/read.ts'
import { computeTests, recomputeMany, recomputePerson } from '../../server/services/correlations/recompute.ts'
import { CorrelationsQuery, InsightsQuery } from '../../server/services/correlations/schemas.ts'
import { MIN_PAIRS } from '../../server/services/correlations/series.ts'
import { writeIntakes } from '../../server/services/health/ingest-intakes.ts'
import { writePoints } from '../../server/services/health/ingest-points.ts'
import { findPersonId } from '../../server/services/health/people.ts'
import { HealthPointInput, IntakeInput } from '../../server/services/health/schemas.ts'
import { plantedEffects, seedDatabase } from '../../server/services/seed/index.ts'
import { tempDatabase } from './helpers.ts'

const PEOPLE = 80
let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  // 80 people with a year each: a few seconds on a busy machine.
  seedDatabase(db.conn, { claims: 0, people: PEOPLE, days: 365, seed: 42, end: '2026-06-30' })
}, 60_000)
afterAll(() => db.dispose())

describe('on seeded data with planted effects', { timeout: 60_000 }, () => {
  it('finds the planted effects at q < 0.05 and few of the null pairs', () => {
    const summary = recomputeMany()
    expect(summary.people).toBe(PEOPLE)
    const found = db.conn.sqlite.prepare(`SELECT p.ref, c.supplement_id AS s, c.metric AS m, c.lag_days AS lag FROM correlations c
      JOIN people p ON p.id = c.person_id WHERE c.q_value < 0.05`).all() as { ref: string, s: string, m: string, lag: number }[]
    const planted = plantedEffects(PEOPLE)
    const pair = (ref: string, s: string, m: string) => `${ref}|${s}|${m}`
    const plantedPairs = new Set(planted.map(e => pair(e.personId, e.supplementId, e.metric)))
    const recall = planted.filter(e => found.some(f => f.ref === e.personId && f.s === e.supplementId && f.m === e.metric && f.lag === e.lagDays)).length / planted.length
    // A discovery is a (person, supplement, metric) with any lag at q < 0.05.
    const discovered = new Set(found.map(f => pair(f.ref, f.s, f.m)))
    const falsePairs = [...discovered].filter(d => !plantedPairs.has(d))
    const fdp = falsePairs.length / discovered.size
    const nullPeople = PEOPLE - planted.length
    const nullPeopleWithFindings = new Set(falsePairs.map(p => p.split('|')[0]).filter(ref => !planted.some(e => e.personId === ref))).size
    console.info(`[correlations] recall ${recall.toFixed(2)} (${planted.length} planted), ${discovered.size} pairs discovered, `
      + `${falsePairs.length} false: FDP ${fdp.toFixed(2)}; null people with a finding ${nullPeopleWithFindings}/${nullPeople}`)
    expect(recall).toBeGreaterThanOrEqual(0.9)
    // BH runs per person (API.md), so it bounds the false share within one person's tests. Three
    // people in four have no effect at all, and each of them shows some finding with probability
    // about 5% (BH under the global null): across people the expected FDP is about 0.2.
    expect(fdp).toBeLessThanOrEqual(0.3)
    expect(nullPeopleWithFindings / nullPeople).toBeLessThanOrEqual(0.1)
  })

  it('writes one insight per significant supplement and metric, in plain language', () => {
    const magnesium = plantedEffects(PEOPLE).find(e => e.supplementId === 'magnesium')!
    const { data } = listInsights(InsightsQuery.parse({ personId: magnesium.personId }))!
    const insight = data.find(i => i.supplementId === 'magnesium' && i.metric === 'sleep_minutes')!
    expect(insight.text).toMatch(/^On days after magnesium glycinate, sleep was \d+ minutes longer on average \(r = 0\.\d\d, q (<|=) 0\.\d{3}, \d+ days\)$/)
    expect(insight.lagDays).toBe(1)
    expect(insight.confidence).toBeGreaterThan(0.95)
    const c = getCorrelation(insight.correlationId)!
    expect(c).toMatchObject({ supplementId: 'magnesium', metric: 'sleep_minutes', lagDays: 1, stale: false })
    expect(c.effect!).toBeGreaterThan(15)
    expect(c.qValue!).toBeLessThan(0.05)
    expect(c.ci95![0]).toBeLessThan(c.pearsonR!)
    expect(c.ci95![1]).toBeGreaterThan(c.pearsonR!)
  })

  it('serves pairs that are the dose on a day against the metric mean lag days later, from the raw data', async () => {
    const row = (await listCorrelations(CorrelationsQuery.parse({ personId: 'P00001', significant: 'true' })))!.data[0]!
    const c = getCorrelation(row.id)!
    expect(c.pairs).toHaveLength(c.n)
    const personId = findPersonId('P00001')!
    const raw = db.conn.sqlite.prepare(`SELECT sum(dose) AS dose FROM supplement_intakes WHERE person_id = ? AND supplement_id = ? AND taken_at >= ? AND taken_at < ?`)
    const mean = db.conn.sqlite.prepare(`SELECT avg(value) AS v FROM health_data_points WHERE person_id = ? AND metric = ? AND at >= ? AND at < ?`)
    for (const p of c.pairs.filter((_, i) => i % 17 === 0)) {
      const start = Date.parse(`${p.day}T00:00:00Z`)
      const later = start + c.lagDays * 86_400_000
      expect((raw.get(personId, c.supplementId, start, start + 86_400_000) as { dose: number | null }).dose ?? 0).toBe(p.dose)
      expect((mean.get(personId, c.metric, later, later + 86_400_000) as { v: number }).v).toBeCloseTo(p.value, 9)
    }
  })

  it('filters the list by significance and minimum |r|, and pages by id', async () => {
    const strong = (await listCorrelations(CorrelationsQuery.parse({ minAbsR: '0.3', limit: '1000' })))!.data
    expect(strong.length).toBeGreaterThan(0)
    expect(strong.every(c => Math.abs(c.pearsonR!) >= 0.3)).toBe(true)
    const insignificant = (await listCorrelations(CorrelationsQuery.parse({ personId: 'P00002', significant: 'false', limit: '1000', count: 'true' })))!
    expect(insignificant.data.length).toBeGreaterThan(0)
    expect(insignificant.data.every(c => c.qValue === null || c.qValue >= 0.05)).toBe(true)
    expect(insignificant.page.total).toBe(insignificant.data.length)
    const significant = (await listCorrelations(CorrelationsQuery.parse({ significant: 'true', limit: '1000', count: 'true' })))!
    const want = db.conn.sqlite.prepare('SELECT id FROM correlations WHERE q_value < 0.05 ORDER BY id').all().map((r: any) => r.id)
    expect(significant.data.map(c => c.id)).toEqual(want)
    expect(significant.page.total).toBe(want.length)
    const first = (await listCorrelations(CorrelationsQuery.parse({ limit: '5' })))!
    const second = (await listCorrelations(CorrelationsQuery.parse({ limit: '5', cursor: first.page.nextCursor! })))!
    expect(second.data[0]!.id).toBeGreaterThan(first.data[4]!.id)
  })
})

describe('edge cases', () => {
  const day = (i: number) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)
  const points = (ref: string, days: number, value: (i: number) => number) =>
    Array.from({ length: days }, (_, i) => HealthPointInput.parse({ personId: ref, metric: 'hrv', value: value(i), at: `${day(i)}T07:00:00Z`, source: 'w' }))
  const intakes = (ref: string, days: number[], dose = 600) =>
    days.map(i => IntakeInput.parse({ personId: ref, supplementId: 'ashwagandha', takenAt: `${day(i)}T21:00:00Z`, dose, unit: 'mg' }))

  it('stores nothing below the minimum number of pairs', () => {
    writePoints(points('E-short', MIN_PAIRS - 1, i => 40 + i))
    writeIntakes(intakes('E-short', [0, 2, 4]))
    expect(computeTests(findPersonId('E-short')!)).toEqual([])
  })

  it('stores a constant dose series with null statistics, not NaN', async () => {
    writePoints(points('E-const', 20, i => 40 + (i % 3)))
    writeIntakes(intakes('E-const', Array.from({ length: 20 }, (_, i) => i)))
    recomputePerson(findPersonId('E-const')!)
    const rows = (await listCorrelations(CorrelationsQuery.parse({ personId: 'E-const' })))!.data
    expect(rows.map(r => r.lagDays)).toEqual([0, 1, 2, 3])
    expect(rows[0]).toMatchObject({ n: 20, pearsonR: null, spearmanRho: null, pValue: null, qValue: null, ci95: null, effect: null })
    expect(listInsights(InsightsQuery.parse({ personId: 'E-const' }))!.data).toEqual([])
  })

  it('handles a perfect correlation: p = 0, the CI clamps to [1, 1], and later lags lose their pairs', async () => {
    // HRV is 60 on days with an intake and 40 without, every day for 30 days.
    const on = new Set(Array.from({ length: 30 }, (_, i) => i).filter(i => i % 3 === 0))
    writePoints(points('E-perfect', 30, i => (on.has(i) ? 60 : 40)))
    writeIntakes(intakes('E-perfect', [...on]))
    recomputePerson(findPersonId('E-perfect')!)
    const [lag0] = (await listCorrelations(CorrelationsQuery.parse({ personId: 'E-perfect' })))!.data
    expect(lag0).toMatchObject({ lagDays: 0, n: 30, pearsonR: 1, spearmanRho: 1, pValue: 0, ci95: [1, 1], effect: 20 })
    expect(lag0!.qValue).toBe(0)
  })
})

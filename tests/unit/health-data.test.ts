import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IngestRejected, IngestTooLarge } from '../../server/services/batch.ts'
import { ingestIntakes } from '../../server/services/health/ingest-intakes.ts'
import { ingestPoints, MAX_POINTS } from '../../server/services/health/ingest-points.ts'
import { listPeople } from '../../server/services/health/people.ts'
import { healthSummary, listHealthData } from '../../server/services/health/read.ts'
import { HealthDataQuery, SummaryQuery } from '../../server/services/health/schemas.ts'
import { ensureSupplementCatalogue } from '../../server/services/health/supplements.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  ensureSupplementCatalogue(db.conn.sqlite)
})
afterAll(() => db.dispose())

const json = (rows: unknown[]) => JSON.stringify(rows)
const point = (over: Record<string, unknown> = {}) => ({ personId: 'U-1', metric: 'sleep_minutes', value: 420, at: '2026-05-01T07:00:00Z', source: 'wearable', ...over })

function rejection(fn: () => unknown): IngestRejected {
  try {
    fn()
  }
  catch (error) {
    if (error instanceof IngestRejected) return error
    throw error
  }
  throw new Error('expected the batch to be rejected')
}

const rollup = () => db.conn.sqlite.prepare(`SELECT person_id, metric, day, count, sum, min, max FROM health_daily ORDER BY 1, 2, 3`).all()
const rawRollup = () => db.conn.sqlite.prepare(`SELECT person_id, metric, date(at / 1000, 'unixepoch') AS day, count(*) AS count, sum(value) AS sum,
  min(value) AS min, max(value) AS max FROM health_data_points GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`).all()

describe('POST health data', () => {
  it('inserts, then answers unchanged and updated on a resend, keeping health_daily equal to the raw points', () => {
    const batch = [
      point(),
      point({ metric: 'resting_heart_rate', value: 58 }),
      point({ metric: 'glucose', value: 90, at: '2026-05-01T03:00:00Z', source: 'cgm' }),
      point({ metric: 'glucose', value: 150, at: '2026-05-01T13:00:00Z', source: 'cgm' }),
      point({ personId: 'U-2', value: 380 }),
    ]
    expect(ingestPoints(json(batch), 'application/json')).toMatchObject({ inserted: 5, updated: 0, unchanged: 0, changedPersonIds: ['U-1', 'U-2'] })
    expect(rollup()).toEqual(rawRollup())
    // The 150 was the day's maximum: replacing it must recompute the day, not merge into it.
    const resend = batch.map((p, i) => (i === 3 ? { ...p, value: 100 } : p))
    const ndjson = resend.map(p => JSON.stringify(p)).join('\n')
    expect(ingestPoints(ndjson, 'application/x-ndjson')).toMatchObject({ inserted: 0, updated: 1, unchanged: 4, changedPersonIds: ['U-1'] })
    expect(rollup()).toEqual(rawRollup())
    expect(db.conn.sqlite.prepare(`SELECT max FROM health_daily WHERE metric = 'glucose'`).get()).toEqual({ max: 100 })
    expect(ingestPoints(ndjson, 'application/x-ndjson')).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 })
  })

  it('creates people when their data arrives', () => {
    const people = listPeople({ limit: 10 }).data
    expect(people.map(p => p.personId)).toEqual(['U-1', 'U-2'])
    expect(people[0]).toEqual({ personId: 'U-1', firstDay: '2026-05-01', lastDay: '2026-05-01', metrics: ['resting_heart_rate', 'sleep_minutes', 'glucose'], supplements: [] })
  })

  it('rejects the whole batch naming every bad row, and writes nothing', () => {
    const before = db.conn.sqlite.prepare('SELECT count(*) AS n FROM health_data_points').get()
    const error = rejection(() => ingestPoints(json([
      point({ personId: 'NEW-1', at: '2026-05-02T07:00:00Z' }),
      point({ metric: 'resting_heart_rate', value: 900 }),
      point({ personId: 'Jane Doe' }),
      point({ metric: 'mood' }),
      point({ at: 'yesterday' }),
      point({ at: '2026-05-01T07:00:00' }),
      point({ at: '2026-02-30T07:00:00Z' }),
      point({ personId: 'NEW-1', at: '2026-05-02T07:00:00Z' }),
      { ...point(), extra: 1 },
    ]), 'application/json'))
    expect(error.issues.map(i => i.path)).toEqual(['[1].value', '[2].personId', '[3].metric', '[4].at', '[5].at', '[6].at', '[7].at', '[8].extra'])
    expect(error.issues[0]!.message).toMatch(/not a plausible resting_heart_rate \(25 to 220 bpm\)/)
    expect(db.conn.sqlite.prepare('SELECT count(*) AS n FROM health_data_points').get()).toEqual(before)
    expect(listPeople({ limit: 10 }).data.map(p => p.personId)).not.toContain('NEW-1')
  })

  it('refuses bodies that are not an array, empty batches and batches over the limit', () => {
    expect(rejection(() => ingestPoints('{"personId":"x"}', 'application/json')).issues[0]!.message).toMatch(/JSON array/)
    expect(rejection(() => ingestPoints('[', 'application/json')).issues[0]!.message).toMatch(/not valid JSON/)
    expect(rejection(() => ingestPoints('{}\nnot json', 'application/x-ndjson')).issues).toEqual([{ path: '[1]', message: 'is not a valid JSON line' }])
    expect(rejection(() => ingestPoints('[]', 'application/json')).issues[0]!.path).toBe('')
    expect(() => ingestPoints(json(Array.from({ length: MAX_POINTS + 1 }, () => ({}))), 'application/json')).toThrow(IngestTooLarge)
  })
})

describe('POST supplement intakes', () => {
  const intake = (over: Record<string, unknown> = {}) => ({ personId: 'U-1', supplementId: 'magnesium', takenAt: '2026-05-01T21:00:00Z', dose: 400, unit: 'mg', ...over })

  it('is idempotent on (personId, supplementId, takenAt)', () => {
    const batch = [intake(), intake({ takenAt: '2026-05-02T21:00:00Z' }), intake({ personId: 'U-3', supplementId: 'zinc', dose: 25 })]
    expect(ingestIntakes(json(batch), 'application/json')).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 })
    expect(ingestIntakes(json([intake(), intake({ takenAt: '2026-05-02T21:00:00Z', dose: 200 })]), 'application/json'))
      .toMatchObject({ inserted: 0, updated: 1, unchanged: 1, changedPersonIds: ['U-1'] })
    expect(listPeople({ limit: 10 }).data.find(p => p.personId === 'U-3')).toMatchObject({ metrics: [], supplements: ['zinc'], firstDay: '2026-05-01' })
  })

  it('names unknown supplements, units other than the catalogue\'s and non-positive doses', () => {
    const error = rejection(() => ingestIntakes(json([intake({ supplementId: 'unobtainium' }), intake({ unit: 'g' }), intake({ dose: 0 })]), 'application/json'))
    expect(error.issues.map(i => i.path)).toEqual(['[0].supplementId', '[1].unit', '[2].dose'])
    expect(error.issues[1]!.message).toBe('must be mg for magnesium')
  })
})

describe('reading health data', () => {
  beforeAll(() => {
    const days = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10))
    ingestPoints(json(days.flatMap((d, i) => [
      point({ personId: 'R-1', metric: 'steps', value: 1000 * i, at: `${d}T23:00:00Z` }),
      point({ personId: 'R-1', metric: 'hrv', value: 40 + i, at: `${d}T07:00:00Z` }),
      point({ personId: 'R-1', metric: 'hrv', value: 50 + i, at: `${d}T19:00:00Z` }),
    ])), 'application/json')
  })

  it('pages through a person\'s points once each, in index order', async () => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = (await listHealthData(HealthDataQuery.parse({ personId: 'R-1', limit: '7', cursor })))!
      seen.push(...page.data.map(p => `${p.metric}@${p.at}`))
      cursor = page.page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(60)
    expect(new Set(seen).size).toBe(60)
    expect(seen[0]).toBe('hrv@2026-01-01T07:00:00.000Z')
    const hrvWeek = (await listHealthData(HealthDataQuery.parse({ personId: 'R-1', metric: 'hrv', from: '2026-01-05', to: '2026-01-11', count: 'true' })))!
    expect(hrvWeek.page.total).toBe(14)
    expect(hrvWeek.data).toHaveLength(14)
    expect(hrvWeek.data.every(p => p.metric === 'hrv' && p.at >= '2026-01-05' && p.at < '2026-01-12')).toBe(true)
    expect((await listHealthData(HealthDataQuery.parse({ personId: 'nobody' })))).toBeUndefined()
  })

  it('summarises by day, week (keyed by Monday) and month from the rollup', async () => {
    const byDay = (await healthSummary(SummaryQuery.parse({ personId: 'R-1', metric: 'hrv', to: '2026-01-02' })))!
    expect(byDay.data).toEqual([
      { bucket: '2026-01-01', avg: 45, min: 40, max: 50, count: 2 },
      { bucket: '2026-01-02', avg: 46, min: 41, max: 51, count: 2 },
    ])
    const byWeek = (await healthSummary(SummaryQuery.parse({ personId: 'R-1', metric: 'steps', bucket: 'week' })))!
    // 2026-01-01 is a Thursday: its week starts on Monday 2025-12-29 and holds 4 days (0..3000 steps).
    expect(byWeek.data[0]).toEqual({ bucket: '2025-12-29', avg: 1500, min: 0, max: 3000, count: 4 })
    expect(byWeek.data.reduce((n, b) => n + b.count, 0)).toBe(20)
    const byMonth = (await healthSummary(SummaryQuery.parse({ personId: 'R-1', metric: 'steps', bucket: 'month' })))!
    expect(byMonth.data).toEqual([{ bucket: '2026-01', avg: 9500, min: 0, max: 19000, count: 20 }])
  })
})

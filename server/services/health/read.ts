// Reading health data: a person's raw points (keyset-paged along the unique index) and summaries
// by day, week or month from the daily rollup, never from the raw points. A page is one index
// range with a LIMIT and runs inline; a count and a summary read a whole range, so they run on a
// reader thread within the query time limit.
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery, type NamedQuery } from '../query/index.ts'
import { readAll, readOne } from '../query/off-thread.ts'
import { METRICS } from './catalog.ts'
import { findPersonId } from './people.ts'
import type { Bucket, HealthDataQuery, SummaryQuery } from './schemas.ts'
import { dayBucketSql } from '../../database/dialect.ts'
import { DAY_MS, dayStart } from '../days.ts'

interface PointRow {
  id: number
  metric: string
  at: number
  value: number
  source: string
}

export interface HealthPoint {
  id: number
  personId: string
  metric: string
  value: number
  at: string
  source: string
}

type ListParams = { personId: number, metric: string | null, fromMs: number, toMs: number, limit: number, cMetric: string | null, cAt: number | null, cSource: string | null }

const COLUMNS = 'id, metric, at, value, source'
const RANGE = 'at >= @fromMs AND at < @toMs'

// Both orders are the order of idx_health_person_metric_at, so a page is one index range with
// no sort: with a metric, (at, source); without, (metric, at, source).
const lists: Record<'metric' | 'all', Record<'first' | 'after', NamedQuery<ListParams, PointRow>>> = {
  metric: {
    first: defineQuery('health.points.byMetric', `SELECT ${COLUMNS} FROM health_data_points
      WHERE person_id = @personId AND metric = @metric AND ${RANGE} ORDER BY at, source LIMIT @limit`),
    after: defineQuery('health.points.byMetric.after', `SELECT ${COLUMNS} FROM health_data_points
      WHERE person_id = @personId AND metric = @metric AND ${RANGE} AND (at, source) > (@cAt, @cSource) ORDER BY at, source LIMIT @limit`),
  },
  all: {
    first: defineQuery('health.points.all', `SELECT ${COLUMNS} FROM health_data_points
      WHERE person_id = @personId AND ${RANGE} ORDER BY metric, at, source LIMIT @limit`),
    after: defineQuery('health.points.all.after', `SELECT ${COLUMNS} FROM health_data_points
      WHERE person_id = @personId AND (metric, at, source) > (@cMetric, @cAt, @cSource) AND ${RANGE} ORDER BY metric, at, source LIMIT @limit`),
  },
}

const countPoints = defineQuery<ListParams, { total: number }>('health.points.count', `SELECT count(*) AS total FROM health_data_points
  WHERE person_id = @personId AND (@metric IS NULL OR metric = @metric) AND ${RANGE}`)

/** A person's points; undefined when nobody has that personId. */
export async function listHealthData(q: HealthDataQuery): Promise<{ data: HealthPoint[], page: { limit: number, nextCursor: string | null, total?: number } } | undefined> {
  const personId = findPersonId(q.personId)
  if (personId === undefined) return undefined
  const params: ListParams = {
    personId,
    metric: q.metric ?? null,
    fromMs: q.from ? dayStart(q.from) : Number.MIN_SAFE_INTEGER,
    toMs: q.to ? dayStart(q.to) + DAY_MS : Number.MAX_SAFE_INTEGER,
    limit: q.limit + 1,
    cMetric: null,
    cAt: null,
    cSource: null,
  }
  const shape = q.metric ? lists.metric : lists.all
  if (q.cursor) {
    const [cMetric, cAt, cSource] = decodeCursor(q.cursor, ['string', 'number', 'string'] as const)
    Object.assign(params, { cMetric, cAt, cSource })
  }
  const rows = (q.cursor ? shape.after : shape.first).all(params)
  const page = keysetPage(rows, q.limit, r => [r.metric, r.at, r.source])
  const result = {
    data: page.data.map(r => ({ id: r.id, personId: q.personId, metric: r.metric, value: r.value, at: new Date(r.at).toISOString(), source: r.source })),
    page: page.page,
  }
  if (q.count) result.page.total = (await readOne(countPoints, params))!.total
  return result
}

interface SummaryRow {
  bucket: string
  avg: number
  min: number
  max: number
  count: number
}

// Weeks are keyed by their Monday and months as YYYY-MM, as in the claims metrics.
const BUCKET_KEY: Record<Bucket, string> = { day: dayBucketSql('day'), week: dayBucketSql('week'), month: dayBucketSql('month') }

type SummaryParams = { personId: number, metric: string, from: string, to: string }

const summaries = Object.fromEntries(Object.entries(BUCKET_KEY).map(([bucket, key]) => [bucket,
  defineQuery<SummaryParams, SummaryRow>(`health.summary.by${bucket[0]!.toUpperCase()}${bucket.slice(1)}`, `
    SELECT ${key} AS bucket, sum(sum) / sum(count) AS avg, min(min) AS min, max(max) AS max, sum(count) AS count
    FROM health_daily WHERE person_id = @personId AND metric = @metric AND day BETWEEN @from AND @to
    GROUP BY ${key} ORDER BY ${key}`)])) as Record<Bucket, NamedQuery<SummaryParams, SummaryRow>>

/** A metric summarised per bucket; undefined when nobody has that personId. */
export async function healthSummary(q: SummaryQuery) {
  const personId = findPersonId(q.personId)
  if (personId === undefined) return undefined
  const data = await readAll(summaries[q.bucket], { personId, metric: q.metric, from: q.from ?? '0000-01-01', to: q.to ?? '9999-12-31' })
  return { personId: q.personId, metric: q.metric, unit: METRICS[q.metric].unit, bucket: q.bucket, data }
}

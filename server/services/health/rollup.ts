// The health daily rollup (table health_daily): per person, metric and UTC day, the count, sum,
// minimum and maximum of the points. Summaries and correlations read it instead of raw points.
import type { Sqlite } from '../../database/connection.ts'
import { preparedStatement } from '../../database/statements.ts'
import { catalogue, timed } from '../query/index.ts'
import { DAY_MS, dayStart, utcDay } from '../days.ts'

export interface DayAggregate {
  count: number
  sum: number
  min: number
  max: number
}

/** Aggregates keyed by `${personId}|${metric}|${day}`. */
export type HealthAccumulator = Map<string, DayAggregate>

export function accumulatePoint(acc: HealthAccumulator, personId: number, metric: string, at: number, value: number): void {
  const key = `${personId}|${metric}|${utcDay(at)}`
  const agg = acc.get(key)
  if (!agg) {
    acc.set(key, { count: 1, sum: value, min: value, max: value })
    return
  }
  agg.count++
  agg.sum += value
  if (value < agg.min) agg.min = value
  if (value > agg.max) agg.max = value
}

const MERGE_SQL = `INSERT INTO health_daily (person_id, metric, day, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (person_id, metric, day) DO UPDATE SET
  count = count + excluded.count, sum = sum + excluded.sum,
  min = min(min, excluded.min), max = max(max, excluded.max)`
catalogue('health.rollup.merge', MERGE_SQL)

/**
 * Adds newly inserted points to the rollup. Only for points that are new: a point that replaced
 * another needs its day recomputed (recomputeHealthDays), since a minimum cannot be un-merged.
 */
export function mergeHealthRollup(sqlite: Sqlite, acc: HealthAccumulator): number {
  const stmt = preparedStatement(sqlite, MERGE_SQL)
  return timed('health.rollup.merge', () => {
    for (const [key, a] of acc) {
      const [personId, metric, day] = key.split('|') as [string, string, string]
      stmt.run(Number(personId), metric, day, a.count, a.sum, a.min, a.max)
    }
    return acc.size
  }, n => n)
}

const RECOMPUTE_DELETE = 'DELETE FROM health_daily WHERE person_id = ? AND metric = ? AND day = ?'
const RECOMPUTE_INSERT = `INSERT INTO health_daily (person_id, metric, day, count, sum, min, max)
  SELECT person_id, metric, ?, count(*), sum(value), min(value), max(value) FROM health_data_points
  WHERE person_id = ? AND metric = ? AND at >= ? AND at < ? GROUP BY person_id, metric`
catalogue('health.rollup.recompute.delete', RECOMPUTE_DELETE)
catalogue('health.rollup.recompute.insert', RECOMPUTE_INSERT)

/** Recomputes the given `${personId}|${metric}|${day}` keys from the raw points. */
export function recomputeHealthDays(sqlite: Sqlite, keys: Iterable<string>): number {
  const del = preparedStatement(sqlite, RECOMPUTE_DELETE)
  const ins = preparedStatement(sqlite, RECOMPUTE_INSERT)
  return timed('health.rollup.recompute.insert', () => {
    let n = 0
    for (const key of keys) {
      const [personId, metric, day] = key.split('|') as [string, string, string]
      const start = dayStart(day)
      del.run(Number(personId), metric, day)
      ins.run(day, Number(personId), metric, start, start + DAY_MS)
      n++
    }
    return n
  }, n => n)
}

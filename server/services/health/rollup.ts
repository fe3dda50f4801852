// The health daily rollup (table health_daily): per person, metric and UTC day, the count, sum,
// minimum and maximum of the points. Summaries and correlations read it instead of raw points.
import type { Sqlite } from '../../database/connection.ts'
import { preparedStatement } from '../../database/statements.ts'
import { defineStatement, measured } from '../query/index.ts'
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
const merge = defineStatement('health.rollup.merge', MERGE_SQL)

/**
 * Adds newly inserted points to the rollup. Only for points that are new: a point that replaced
 * another needs its day recomputed (recomputeHealthDays), since a minimum cannot be un-merged.
 */
export function mergeHealthRollup(sqlite: Sqlite, acc: HealthAccumulator): number {
  const stmt = preparedStatement(sqlite, MERGE_SQL)
  return measured(merge, sqlite, () => {
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
const recomputeDelete = defineStatement('health.rollup.recompute.delete', RECOMPUTE_DELETE)
const recomputeInsert = defineStatement('health.rollup.recompute.insert', RECOMPUTE_INSERT)

/**
 * Recomputes the given `${personId}|${metric}|${day}` keys from the raw points: how many days
 * were recomputed, and how many rollup rows went because their day has no points left.
 */
export function recomputeHealthDays(sqlite: Sqlite, keys: Iterable<string>): { recomputed: number, removed: number } {
  const del = preparedStatement(sqlite, RECOMPUTE_DELETE)
  const ins = preparedStatement(sqlite, RECOMPUTE_INSERT)
  const days = [...keys].map(key => key.split('|') as [string, string, string])
  // Every delete, then every insert: each statement's runs are one timed batch of their own.
  const dropped = measured(recomputeDelete, sqlite, () => {
    let rows = 0
    for (const [personId, metric, day] of days) rows += del.run(Number(personId), metric, day).changes
    return rows
  }, n => n)
  const written = measured(recomputeInsert, sqlite, () => {
    let rows = 0
    for (const [personId, metric, day] of days) {
      const start = dayStart(day)
      rows += ins.run(day, Number(personId), metric, start, start + DAY_MS).changes
    }
    return rows
  }, n => n)
  return { recomputed: days.length, removed: dropped - written }
}

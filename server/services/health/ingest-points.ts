// POST /api/v1/health-data: up to 50,000 points as a JSON array or NDJSON. All or nothing; every
// point is checked against its metric's plausible range first. One IMMEDIATE transaction then
// creates the people it names, inserts new points, updates changed values, skips unchanged ones
// (idempotent on (personId, metric, at, source)) and keeps health_daily in step.
import { useConnection } from '../../database/client.ts'
import { BulkInserter } from '../query/bulk-insert.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'
import { parseRows, validateRows, type BatchFormat, type WriteOutcome } from './batch.ts'
import { ensurePeople } from './people.ts'
import { utcDay } from '../days.ts'
import { accumulatePoint, mergeHealthRollup, recomputeHealthDays, type HealthAccumulator } from './rollup.ts'
import { HealthPointInput } from './schemas.ts'

export const MAX_POINTS = 50_000
/** About 110 bytes a point in JSON; 50,000 of them with room for whitespace. */
export const MAX_POINTS_BYTES = 12 * 1024 * 1024
/** Keys per lookup statement: json_each of 5,000 small arrays is about 150 KB of text. */
const LOOKUP_CHUNK = 5000

interface Existing {
  id: number
  personId: number
  metric: string
  at: number
  source: string
  value: number
}

// CROSS JOIN keeps the batch's keys as the outer loop: one unique-index seek per key.
const existing = defineQuery<{ keys: string }, Existing>('health.ingest.existing', `
  SELECT h.id, h.person_id AS personId, h.metric, h.at, h.source, h.value
  FROM json_each(@keys) AS k CROSS JOIN health_data_points AS h
  WHERE h.person_id = k.value ->> 0 AND h.metric = k.value ->> 1 AND h.at = k.value ->> 2 AND h.source = k.value ->> 3`)

const updateValue = defineQuery<{ id: number, value: number }, never>('health.ingest.update',
  'UPDATE health_data_points SET value = @value WHERE id = @id')

const touchSource = defineQuery<{ id: string, rows: number, at: number }, never>('dataSources.touchHealth', `
  INSERT INTO data_sources (id, kind, rows_ingested, last_ingest_at) VALUES (@id, 'health', @rows, @at)
  ON CONFLICT (id) DO UPDATE SET rows_ingested = rows_ingested + excluded.rows_ingested, last_ingest_at = excluded.last_ingest_at`)

const COLUMNS = ['person_id', 'metric', 'at', 'value', 'source'] as const

const keyOf = (personId: number | string, metric: string, at: number, source: string) => `${personId}\u0000${metric}\u0000${at}\u0000${source}`

export function validatePoints(body: string, format: BatchFormat): HealthPointInput[] {
  return validateRows(parseRows(body, format, 'health data points'), HealthPointInput,
    { max: MAX_POINTS, what: 'health data points', keyField: 'at', keyFields: 'personId, metric, at and source', keyOf: p => keyOf(p.personId, p.metric, p.at, p.source) })
}

function findExisting(keys: [number, string, number, string][]): Map<string, Existing> {
  const found = new Map<string, Existing>()
  for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
    for (const row of existing.all({ keys: JSON.stringify(keys.slice(i, i + LOOKUP_CHUNK)) })) {
      found.set(keyOf(row.personId, row.metric, row.at, row.source), row)
    }
  }
  return found
}

/** Writes validated points in one transaction. */
export function writePoints(points: HealthPointInput[], audit?: AuditOf<WriteOutcome>, now: number = Date.now()): WriteOutcome {
  return auditedTransaction(() => {
    const sqlite = useConnection().sqlite
    const ids = ensurePeople(points.map(p => p.personId), now)
    const keys = points.map(p => [ids.get(p.personId)!, p.metric, p.at, p.source] as [number, string, number, string])
    const found = findExisting(keys)
    const inserter = new BulkInserter('health.ingest.insert', sqlite, 'health_data_points', COLUMNS, 2000)
    const fresh: HealthAccumulator = new Map()
    const redo = new Set<string>()
    const changed = new Set<string>()
    const rowsPerSource = new Map<string, number>()
    const outcome: WriteOutcome = { inserted: 0, updated: 0, unchanged: 0, changedPersonIds: [] }
    points.forEach((p, i) => {
      const [personId] = keys[i]!
      const before = found.get(keyOf(...keys[i]!))
      if (before && before.value === p.value) {
        outcome.unchanged++
        return
      }
      changed.add(p.personId)
      rowsPerSource.set(p.source, (rowsPerSource.get(p.source) ?? 0) + 1)
      if (before) {
        updateValue.run({ id: before.id, value: p.value })
        // A replaced value can take the day's minimum or maximum with it: recompute the day.
        redo.add(`${personId}|${p.metric}|${utcDay(p.at)}`)
        outcome.updated++
        return
      }
      inserter.push(personId, p.metric, p.at, p.value, p.source)
      accumulatePoint(fresh, personId, p.metric, p.at, p.value)
      outcome.inserted++
    })
    inserter.flush()
    mergeHealthRollup(sqlite, fresh)
    if (redo.size) recomputeHealthDays(sqlite, redo)
    for (const [id, rows] of rowsPerSource) touchSource.run({ id, rows, at: now })
    outcome.changedPersonIds = [...changed]
    return outcome
  }, audit)
}

export function ingestPoints(body: string, format: BatchFormat, audit?: AuditOf<WriteOutcome>): WriteOutcome {
  return writePoints(validatePoints(body, format), audit)
}

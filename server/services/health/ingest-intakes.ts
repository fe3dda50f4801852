// POST /api/v1/supplement-intakes: bulk intakes as a JSON array or NDJSON. All or nothing,
// idempotent on (personId, supplementId, takenAt); people are created when their data arrives.
import { useConnection } from '../../database/client.ts'
import { BulkInserter } from '../query/bulk-insert.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'
import { parseRows, validateRows, type BatchFormat, type WriteOutcome } from './batch.ts'
import { ensurePeople } from './people.ts'
import { IntakeInput } from './schemas.ts'

export const MAX_INTAKES = 50_000
export const MAX_INTAKES_BYTES = 12 * 1024 * 1024
const LOOKUP_CHUNK = 5000

interface Existing {
  id: number
  personId: number
  supplementId: string
  takenAt: number
  dose: number
  unit: string
}

// CROSS JOIN keeps the batch's keys as the outer loop: one unique-index seek per key.
const existing = defineQuery<{ keys: string }, Existing>('intakes.ingest.existing', `
  SELECT i.id, i.person_id AS personId, i.supplement_id AS supplementId, i.taken_at AS takenAt, i.dose, i.unit
  FROM json_each(@keys) AS k CROSS JOIN supplement_intakes AS i
  WHERE i.person_id = k.value ->> 0 AND i.supplement_id = k.value ->> 1 AND i.taken_at = k.value ->> 2`)

const updateRow = defineQuery<{ id: number, dose: number, unit: string }, never>('intakes.ingest.update',
  'UPDATE supplement_intakes SET dose = @dose, unit = @unit WHERE id = @id')

const COLUMNS = ['person_id', 'supplement_id', 'taken_at', 'dose', 'unit'] as const

const keyOf = (personId: number | string, supplementId: string, takenAt: number) => `${personId}\u0000${supplementId}\u0000${takenAt}`

export function validateIntakes(body: string, format: BatchFormat): IntakeInput[] {
  return validateRows(parseRows(body, format, 'supplement intakes'), IntakeInput,
    { max: MAX_INTAKES, what: 'supplement intakes', keyField: 'takenAt', keyFields: 'personId, supplementId and takenAt', keyOf: i => keyOf(i.personId, i.supplementId, i.takenAt) })
}

export function writeIntakes(intakes: IntakeInput[], audit?: AuditOf<WriteOutcome>, now: number = Date.now()): WriteOutcome {
  return auditedTransaction(() => {
    const sqlite = useConnection().sqlite
    const ids = ensurePeople(intakes.map(i => i.personId), now)
    const keys = intakes.map(i => [ids.get(i.personId)!, i.supplementId, i.takenAt] as [number, string, number])
    const found = new Map<string, Existing>()
    for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
      for (const row of existing.all({ keys: JSON.stringify(keys.slice(i, i + LOOKUP_CHUNK)) })) found.set(keyOf(row.personId, row.supplementId, row.takenAt), row)
    }
    const inserter = new BulkInserter('intakes.ingest.insert', sqlite, 'supplement_intakes', COLUMNS, 2000)
    const changed = new Set<string>()
    const outcome: WriteOutcome = { inserted: 0, updated: 0, unchanged: 0, changedPersonIds: [] }
    intakes.forEach((intake, i) => {
      const before = found.get(keyOf(...keys[i]!))
      if (before && before.dose === intake.dose && before.unit === intake.unit) {
        outcome.unchanged++
        return
      }
      changed.add(intake.personId)
      if (before) {
        updateRow.run({ id: before.id, dose: intake.dose, unit: intake.unit })
        outcome.updated++
        return
      }
      inserter.push(keys[i]![0], intake.supplementId, intake.takenAt, intake.dose, intake.unit)
      outcome.inserted++
    })
    inserter.flush()
    outcome.changedPersonIds = [...changed]
    return outcome
  }, audit)
}

export function ingestIntakes(body: string, format: BatchFormat, audit?: AuditOf<WriteOutcome>): WriteOutcome {
  return writeIntakes(validateIntakes(body, format), audit)
}

// POST /api/v1/claims: up to 10,000 claims as a JSON array, NDJSON or CSV. All or nothing: every
// row is validated before anything is written, then one IMMEDIATE transaction inserts new claims,
// updates changed ones, skips unchanged ones (idempotent on (source, sourceId)) and moves the
// rollup with them.
import type { Sqlite } from '../../database/connection.ts'
import { BulkInserter } from '../query/bulk-insert.ts'
import { useConnection } from '../../database/client.ts'
import { auditedTransaction, type AuditOf } from '../audit.ts'
import { defineQuery } from '../query/index.ts'
import { checkRows, parseRows, rejectIfAny, type IngestResult } from '../batch.ts'
import { accumulateClaim, applyRollup, type RollupAccumulator } from './rollup.ts'
import { CLAIM_COLUMNS, type ClaimRow } from './row.ts'
import { ClaimInput } from './schemas.ts'

export const MAX_INGEST_ROWS = 10_000
/** About 500 bytes a claim in CSV or JSON, with room to spare. */
export const MAX_INGEST_BYTES = 8 * 1024 * 1024
export const INGEST_FORMATS = ['application/json', 'application/x-ndjson', 'text/csv'] as const
export type IngestFormat = (typeof INGEST_FORMATS)[number]

/** Parses the body into raw rows; a body that is not the format it claims is an IngestRejected. */
export function parseBatch(body: string, format: IngestFormat): unknown[] {
  return parseRows(body, format, 'claims')
}

const knownProviders = defineQuery<{ ids: string }, { id: number }>('claims.ingest.providers',
  'SELECT id FROM providers WHERE id IN (SELECT value FROM json_each(@ids))')

/** Validates every row and that its provider exists; collects every problem before rejecting. */
export function validateBatch(input: unknown[]): ClaimInput[] {
  const { rows, issues } = checkRows(input, ClaimInput, {
    max: MAX_INGEST_ROWS, what: 'claims', keyField: 'sourceId', keyFields: 'source and sourceId', keyOf: c => `${c.source}\u0000${c.sourceId}`,
  })
  const providerIds = [...new Set(rows.flatMap(c => (c ? [c.providerId] : [])))]
  const known = new Set(knownProviders.all({ ids: JSON.stringify(providerIds) }).map(p => p.id))
  rows.forEach((c, i) => {
    if (c && !known.has(c.providerId)) issues.push({ path: `[${i}].providerId`, message: `no provider with id ${c.providerId}` })
  })
  rejectIfAny(issues)
  return rows as ClaimInput[]
}

const existing = defineQuery<{ source: string, ids: string }, ClaimRow>('claims.ingest.existing',
  `SELECT ${CLAIM_COLUMNS} FROM claims WHERE source = @source AND source_id IN (SELECT value FROM json_each(@ids))`)

const updateRow = defineQuery<Record<string, unknown>, never>('claims.ingest.update', `
  UPDATE claims SET provider_id = @providerId, payer = @payer, patient_ref = @patientRef, cpt_code = @cptCode,
    date_of_service = @dateOfService, submitted_at = @submittedAt, status = @status, denial_reason = @denialReason,
    billed_cents = @billedCents, paid_cents = @paidCents, updated_at = @now
  WHERE id = @id`)

const touchSource = defineQuery<{ id: string, rows: number, at: number }, never>('dataSources.touch', `
  INSERT INTO data_sources (id, kind, rows_ingested, last_ingest_at) VALUES (@id, 'claims', @rows, @at)
  ON CONFLICT (id) DO UPDATE SET rows_ingested = rows_ingested + excluded.rows_ingested, last_ingest_at = excluded.last_ingest_at`)

const INSERT_COLUMNS = ['source', 'source_id', 'provider_id', 'payer', 'patient_ref', 'cpt_code', 'date_of_service', 'submitted_at',
  'status', 'denial_reason', 'billed_cents', 'paid_cents', 'created_at', 'updated_at'] as const
/** Rows per INSERT statement: one statement for many rows is several times faster than one each. */
const INSERT_CHUNK = 200

type StoredFields = Omit<ClaimRow, 'id' | 'source' | 'sourceId'>

function storedFields(c: ClaimInput): StoredFields {
  return {
    providerId: c.providerId,
    payer: c.payer,
    patientRef: c.patientRef,
    cptCode: c.cptCode,
    dateOfService: c.dateOfService,
    submittedAt: Date.parse(c.submittedAt),
    status: c.status,
    denialReason: c.denialReason ?? null,
    billedCents: c.billedCents,
    paidCents: c.paidCents,
  }
}

function sameClaim(a: StoredFields, b: StoredFields): boolean {
  return a.providerId === b.providerId && a.payer === b.payer && a.patientRef === b.patientRef && a.cptCode === b.cptCode
    && a.dateOfService === b.dateOfService && a.submittedAt === b.submittedAt && a.status === b.status
    && a.denialReason === b.denialReason && a.billedCents === b.billedCents && a.paidCents === b.paidCents
}

function findExisting(claims: ClaimInput[]): Map<string, ClaimRow> {
  const bySource = new Map<string, string[]>()
  for (const c of claims) {
    const ids = bySource.get(c.source) ?? []
    ids.push(c.sourceId)
    bySource.set(c.source, ids)
  }
  const found = new Map<string, ClaimRow>()
  for (const [source, ids] of bySource) {
    for (const row of existing.all({ source, ids: JSON.stringify(ids) })) found.set(`${source}\u0000${row.sourceId}`, row)
  }
  return found
}

/** Writes a validated batch in one transaction, with its audit row. */
export function writeBatch(claims: ClaimInput[], audit?: AuditOf<IngestResult>, now: number = Date.now()): IngestResult {
  return auditedTransaction(() => {
    const sqlite = useConnection().sqlite
    const found = findExisting(claims)
    const acc: RollupAccumulator = new Map()
    const fresh: unknown[][] = []
    const result: IngestResult = { inserted: 0, updated: 0, unchanged: 0 }
    const rowsPerSource = new Map<string, number>()
    for (const c of claims) {
      const fields = storedFields(c)
      const before = found.get(`${c.source}\u0000${c.sourceId}`)
      if (before && sameClaim(before, fields)) {
        result.unchanged++
        continue
      }
      rowsPerSource.set(c.source, (rowsPerSource.get(c.source) ?? 0) + 1)
      accumulateClaim(acc, fields, 1)
      if (before) {
        accumulateClaim(acc, before, -1)
        updateRow.run({ ...fields, id: before.id, now })
        result.updated++
        continue
      }
      fresh.push([c.source, c.sourceId, fields.providerId, fields.payer, fields.patientRef, fields.cptCode, fields.dateOfService,
        fields.submittedAt, fields.status, fields.denialReason, fields.billedCents, fields.paidCents, now, now])
      result.inserted++
    }
    insertRows(sqlite, fresh)
    applyRollup(sqlite, acc)
    for (const [id, rows] of rowsPerSource) touchSource.run({ id, rows, at: now })
    return result
  }, audit)
}

function insertRows(sqlite: Sqlite, rows: unknown[][]): void {
  const insert = new BulkInserter('claims.ingest.insert', sqlite, 'claims', INSERT_COLUMNS, INSERT_CHUNK)
  for (const row of rows) insert.push(...row)
  insert.flush()
}

export function ingestClaims(body: string, format: IngestFormat, audit?: AuditOf<IngestResult>): IngestResult {
  return writeBatch(validateBatch(parseBatch(body, format)), audit)
}

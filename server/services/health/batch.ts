// Bulk bodies for health points and intakes: a JSON array or NDJSON (server/services/batch.ts
// parses and validates them for every ingest route).
import type { IngestResult } from '../batch.ts'

export { parseRows, validateRows } from '../batch.ts'

export const BATCH_FORMATS = ['application/json', 'application/x-ndjson'] as const
export type BatchFormat = (typeof BATCH_FORMATS)[number]

/** What a write changed: the counts for the client and, for cache invalidation, whose data moved. */
export interface WriteOutcome extends IngestResult {
  /** Pseudonymous ids of the people whose data was inserted or updated (not the unchanged ones). */
  changedPersonIds: string[]
}

// GET /api/v1/claims/export: every claim matching the list's filters, as CSV or NDJSON text.
// The claims are read in keyset pages through listClaims (the same planned, named statements as
// the list), each page turned into one chunk of text, so memory holds one page whatever the
// number of claims. The caller pulls chunks as its consumer drains them (a Node Readable from
// this generator applies backpressure), and stopping the iteration stops the reads.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { claimsCsvHeader, claimsCsvLines } from './csv.ts'
import { listClaims } from './list.ts'
import type { ExportClaimsQuery, ListClaimsQuery } from './schemas.ts'

/** Claims per read: the list's largest page, a few milliseconds of work. */
export const EXPORT_BATCH = 1000

export const EXPORT_TYPES = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  ndjson: { contentType: 'application/x-ndjson', extension: 'ndjson' },
} as const

/**
 * The export's text, one chunk per page of claims; the CSV header comes with the first page, so
 * the first chunk is only ready once the first read succeeded.
 */
export async function* exportClaims(q: ExportClaimsQuery, batch = EXPORT_BATCH): AsyncGenerator<string> {
  const { format, ...filters } = q
  let header = format === 'csv' ? claimsCsvHeader() : ''
  let cursor: string | undefined
  do {
    const page: ListClaimsQuery = { ...filters, limit: batch, count: false, ...(cursor ? { cursor } : {}) }
    const { data, page: next } = await listClaims(page)
    const text = format === 'csv' ? claimsCsvLines(data) : data.map(c => `${JSON.stringify(c)}\n`).join('')
    if (header || text) yield header + text
    header = ''
    cursor = next.nextCursor ?? undefined
    // Pages are read on the reader threads, and between pages other requests run (reads inline
    // too): an export of a million claims never holds the loop.
    if (cursor) await nextTurn()
  } while (cursor)
}

/** The filters an export was asked for, for its audit row (the claims themselves are never logged). */
export function exportAuditDetail(q: ExportClaimsQuery): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined))
}

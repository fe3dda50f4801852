// Bulk bodies for health points and intakes: a JSON array or NDJSON, validated whole before
// anything is written. Every bad row is named (`[17].value`); one bad row rejects the batch.
import type { z } from 'zod'
import { IngestRejected, IngestTooLarge } from '../claims/ingest.ts'
import { formatIssues, type InputIssue } from '../validation-issues.ts'

export { IngestRejected, IngestTooLarge }

export const BATCH_FORMATS = ['application/json', 'application/x-ndjson'] as const
export type BatchFormat = (typeof BATCH_FORMATS)[number]

export interface IngestResult {
  inserted: number
  updated: number
  unchanged: number
}

/** What a write changed: the counts for the client and, for cache invalidation, whose data moved. */
export interface WriteOutcome extends IngestResult {
  /** Pseudonymous ids of the people whose data was inserted or updated (not the unchanged ones). */
  changedPersonIds: string[]
}

export function parseRows(body: string, format: BatchFormat, what: string): unknown[] {
  if (format === 'application/json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    }
    catch (error) {
      throw new IngestRejected([{ path: '', message: `is not valid JSON (${(error as Error).message})` }])
    }
    if (!Array.isArray(parsed)) throw new IngestRejected([{ path: '', message: `must be a JSON array of ${what}` }])
    return parsed
  }
  const rows: unknown[] = []
  const issues: InputIssue[] = []
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue
    try {
      rows.push(JSON.parse(line))
    }
    catch {
      issues.push({ path: `[${rows.length}]`, message: 'is not a valid JSON line' })
      rows.push(null)
    }
  }
  if (issues.length) throw new IngestRejected(issues)
  return rows
}

/**
 * Parses every row with `schema`, collecting every problem; rows with the same `keyOf` are an
 * error (which of the two should win is the client's to say). Returns the typed rows.
 */
export function validateRows<S extends z.ZodType>(rows: unknown[], schema: S, options: { max: number, what: string, keyOf: (row: z.output<S>) => string, keyField: string }): z.output<S>[] {
  if (rows.length > options.max) throw new IngestTooLarge(`A batch holds at most ${options.max} ${options.what}; this one has ${rows.length}`)
  if (rows.length === 0) throw new IngestRejected([{ path: '', message: `must contain at least one of the ${options.what}` }])
  const issues: InputIssue[] = []
  const out: z.output<S>[] = []
  const seen = new Map<string, number>()
  rows.forEach((row, i) => {
    const result = schema.safeParse(row)
    if (!result.success) {
      for (const issue of formatIssues(result.error.issues)) issues.push({ path: `[${i}]${issue.path ? `.${issue.path}` : ''}`, message: issue.message })
      return
    }
    const key = options.keyOf(result.data)
    const first = seen.get(key)
    if (first !== undefined) issues.push({ path: `[${i}].${options.keyField}`, message: `repeats row [${first}] (same ${options.keyField} for the same key)` })
    else seen.set(key, i)
    out.push(result.data)
  })
  if (issues.length) throw new IngestRejected(issues)
  return out
}

// Bulk bodies for every ingest route (claims, health points, intakes): a JSON array, NDJSON or
// CSV, validated whole before anything is written. Every bad row is named (`[17].value`); one bad
// row rejects the batch, and nothing is written.
import { parse as parseCsv } from 'csv-parse/sync'
import type { z } from 'zod'
import { DomainError } from './errors.ts'
import { formatIssues, type InputIssue } from './validation-issues.ts'

export type BatchFormat = 'application/json' | 'application/x-ndjson' | 'text/csv'

/** A 400 naming every bad row. */
export class IngestRejected extends DomainError {
  declare readonly issues: InputIssue[]

  constructor(issues: InputIssue[], message = 'The batch was rejected; nothing was written') {
    super('invalid', message, issues)
  }
}

/** A 413: too many rows. */
export class IngestTooLarge extends DomainError {
  constructor(message: string) {
    super('too-large', message)
  }
}

export interface IngestResult {
  inserted: number
  updated: number
  unchanged: number
}

/** CSV header check: a repeated column would silently let its last cell win over the first. */
function uniqueColumns(header: string[]): string[] {
  const repeated = header.find((name, i) => header.indexOf(name) !== i)
  if (repeated !== undefined) throw new Error(`the column ${JSON.stringify(repeated).slice(0, 80)} appears more than once`)
  return header
}

/** Parses the body into raw rows; a body that is not the format it claims is an IngestRejected. */
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
  if (format === 'text/csv') {
    try {
      const records = parseCsv(body, { columns: uniqueColumns, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[]
      // An empty CSV cell means "not given".
      return records.map(r => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')))
    }
    catch (error) {
      throw new IngestRejected([{ path: '', message: `is not valid CSV (${(error as Error).message})` }])
    }
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

export interface RowRules<T> {
  max: number
  /** Plural noun for messages: "claims", "health data points". */
  what: string
  /** The idempotency key: two rows with the same key are an error (which should win is the client's to say). */
  keyOf: (row: T) => string
  /** The field a repeated key is reported on, and the fields that make the key, for the message. */
  keyField: string
  keyFields: string
}

/**
 * Parses every row with `schema`, collecting every problem rather than stopping at the first.
 * Rows that failed are undefined in `rows`; callers may add issues of their own (a provider
 * that does not exist) before `rejectIfAny`.
 */
export function checkRows<S extends z.ZodType>(input: unknown[], schema: S, rules: RowRules<z.output<S>>): { rows: (z.output<S> | undefined)[], issues: InputIssue[] } {
  if (input.length > rules.max) throw new IngestTooLarge(`A batch holds at most ${rules.max} ${rules.what}; this one has ${input.length}`)
  if (input.length === 0) throw new IngestRejected([{ path: '', message: `must contain at least one of the ${rules.what}` }])
  const issues: InputIssue[] = []
  const seen = new Map<string, number>()
  const rows = input.map((row, i) => {
    const result = schema.safeParse(row)
    if (!result.success) {
      for (const issue of formatIssues(result.error.issues)) issues.push({ path: `[${i}]${issue.path ? `.${issue.path}` : ''}`, message: issue.message })
      return undefined
    }
    const key = rules.keyOf(result.data)
    const first = seen.get(key)
    if (first !== undefined) issues.push({ path: `[${i}].${rules.keyField}`, message: `repeats row [${first}] (same ${rules.keyFields})` })
    else seen.set(key, i)
    return result.data as z.output<S>
  })
  return { rows, issues }
}

/** Throws every issue at once, in row order. */
export function rejectIfAny(issues: InputIssue[]): void {
  if (issues.length === 0) return
  const rowIndex = (path: string) => Number(/^\[(\d+)\]/.exec(path)?.[1] ?? -1)
  throw new IngestRejected(issues.sort((a, b) => rowIndex(a.path) - rowIndex(b.path)))
}

/** checkRows for batches with no checks beyond the schema: the valid rows, or every issue. */
export function validateRows<S extends z.ZodType>(input: unknown[], schema: S, rules: RowRules<z.output<S>>): z.output<S>[] {
  const { rows, issues } = checkRows(input, schema, rules)
  rejectIfAny(issues)
  return rows as z.output<S>[]
}

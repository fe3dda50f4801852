// The one place that decides what an error means to a client. Services and routes throw a
// DomainError for an expected failure (no such row, a refused change, a rejected batch); the error
// handler maps it here to its status, never a 500 and never logged. Everything else is unexpected.
// Plain TypeScript: services throw these without knowing about HTTP.
import { storageFaultOf } from './storage/faults.ts'
import type { InputIssue } from './validation-issues.ts'

export type DomainErrorKind = 'not-found' | 'conflict' | 'invalid' | 'too-large'

export class DomainError extends Error {
  readonly kind: DomainErrorKind
  /** For 'invalid': every bad field, as `data.issues`. */
  readonly issues?: InputIssue[]
  /** For 'invalid': what the 400's message starts with, when not the error's own message. */
  readonly summary?: string

  constructor(kind: DomainErrorKind, message: string, issues?: InputIssue[]) {
    super(message)
    this.kind = kind
    this.issues = issues
  }
}

export const notFound = (message: string) => new DomainError('not-found', message)
export const conflict = (message: string) => new DomainError('conflict', message)

/** The value, or a not-found DomainError with `message` when there is none. */
export function found<T>(value: T | undefined | null, message: string): T {
  if (value === undefined || value === null) throw notFound(message)
  return value
}

/** A 400's message: what was invalid, then the first few issues, so a log line alone says why. */
export function issuesMessage(issues: InputIssue[], message = 'Invalid input'): string {
  return `${message}: ${issues.slice(0, 3).map(i => `${i.path || '(root)'} ${i.message}`).join('; ')}`
}

export interface MappedError {
  statusCode: number
  statusMessage: string
  message: string
  data?: { issues: InputIssue[] }
}

const STATUS: Record<DomainErrorKind, [number, string]> = {
  'not-found': [404, 'Not Found'],
  'conflict': [409, 'Conflict'],
  'invalid': [400, 'Bad Request'],
  'too-large': [413, 'Payload Too Large'],
}

/** The DomainError an error is or wraps (h3 wraps what a handler throws), if any. */
export function domainErrorOf(error: unknown): DomainError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DomainError) return e
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** The response for an expected failure; undefined when `error` is not one. */
export function mapDomainError(error: unknown): MappedError | undefined {
  const domain = domainErrorOf(error)
  if (!domain) return undefined
  const [statusCode, statusMessage] = STATUS[domain.kind]
  if (domain.kind === 'invalid') {
    const issues = domain.issues ?? []
    return { statusCode, statusMessage, message: issuesMessage(issues, domain.summary ?? domain.message), data: { issues } }
  }
  return { statusCode, statusMessage, message: domain.message }
}


export interface ClassifiedError {
  statusCode: number
  statusMessage: string
  message: string
  /** Seconds, for 503 and 429. */
  retryAfter?: number
  /** For 507: `{ reason }`, the code that reported the full disk. */
  data?: Record<string, unknown>
}

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED'])

function sqliteCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'QUERY_TIMEOUT')) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Maps an error nobody handled to a response; undefined when it is expected (a DomainError or a 4xx). */
export function classifyUnexpected(error: unknown): ClassifiedError | undefined {
  if (domainErrorOf(error)) return undefined
  const status = (error as { statusCode?: number }).statusCode
  const code = sqliteCode(error)
  if (code && BUSY_CODES.has(code)) {
    return { statusCode: 503, statusMessage: 'Service Unavailable', message: 'The database is busy; retry shortly', retryAfter: 1 }
  }
  // A read stopped at NUXT_QUERY_TIMEOUT_MS (query/off-thread.ts): its message names the limit only.
  if (code === 'QUERY_TIMEOUT') {
    return { statusCode: 503, statusMessage: 'Service Unavailable', message: 'The query took longer than its time limit and was stopped; retry shortly, or narrow the filters', retryAfter: 1 }
  }
  // A full disk: the write was refused whole (SQLite rolls the transaction back), so the client
  // may retry once space is freed. The storage fault itself is recorded by the error handler.
  const storage = storageFaultOf(error)
  if (storage) return { statusCode: 507, statusMessage: 'Insufficient Storage', message: storage.reason, data: { reason: storage.code } }
  if (typeof status === 'number' && status >= 400 && status < 500) return undefined
  return { statusCode: 500, statusMessage: 'Internal Server Error', message: 'Internal error' }
}

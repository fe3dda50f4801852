import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { IngestRejected, IngestTooLarge } from '../../server/services/batch.ts'
import { ClaimConflictError } from '../../server/services/claims/update.ts'
import { classifyUnexpected, conflict, DomainError, found, mapDomainError, notFound } from '../../server/services/errors.ts'
import { InvalidCursorError } from '../../server/services/pagination.ts'
import { formatIssues, formatPath } from '../../server/services/validation-issues.ts'

describe('classifyUnexpected', () => {
  it('turns a busy database into 503 with Retry-After, however deeply wrapped', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    expect(classifyUnexpected(busy)).toMatchObject({ statusCode: 503, retryAfter: 1 })
    expect(classifyUnexpected(new Error('wrapped', { cause: busy }))).toMatchObject({ statusCode: 503 })
  })

  it('leaves client errors alone and hides everything else behind a plain 500', () => {
    expect(classifyUnexpected(Object.assign(new Error('nope'), { statusCode: 404 }))).toBeUndefined()
    const other = classifyUnexpected(new TypeError('x is undefined at /srv/secret/path.ts'))
    expect(other).toEqual({ statusCode: 500, statusMessage: 'Internal Server Error', message: 'Internal error' })
  })
})

describe('domain errors', () => {
  // What h3 hands the error handler: the thrown error wrapped as the cause of a 500.
  const wrapped = (error: Error) => Object.assign(new Error(error.message, { cause: error }), { statusCode: 500, unhandled: true })

  it('maps every kind to its status and text, wrapped or not, with no stack in the answer', () => {
    const cases: [Error, object][] = [
      [notFound('No claim with id 7'), { statusCode: 404, statusMessage: 'Not Found', message: 'No claim with id 7' }],
      [conflict('This key is already revoked'), { statusCode: 409, statusMessage: 'Conflict', message: 'This key is already revoked' }],
      [new ClaimConflictError('A denied claim needs a denialReason'), { statusCode: 409, statusMessage: 'Conflict', message: 'A denied claim needs a denialReason' }],
      [new IngestTooLarge('A batch holds at most 2 claims; this one has 3'), { statusCode: 413, statusMessage: 'Payload Too Large', message: 'A batch holds at most 2 claims; this one has 3' }],
      [new IngestRejected([{ path: '[1].payer', message: 'is required' }]), {
        statusCode: 400, statusMessage: 'Bad Request', message: 'The batch was rejected; nothing was written: [1].payer is required', data: { issues: [{ path: '[1].payer', message: 'is required' }] },
      }],
      [new InvalidCursorError(), {
        statusCode: 400, statusMessage: 'Bad Request', message: 'Invalid input: cursor is not a cursor this endpoint issued', data: { issues: [{ path: 'cursor', message: 'is not a cursor this endpoint issued' }] },
      }],
    ]
    for (const [error, expected] of cases) {
      expect(mapDomainError(error)).toEqual(expected)
      expect(mapDomainError(wrapped(error))).toEqual(expected)
      expect(JSON.stringify(mapDomainError(error))).not.toMatch(/at .*\.ts|stack/)
    }
    // Every kind has a status: a new kind without one fails here rather than answering undefined.
    for (const kind of ['not-found', 'conflict', 'invalid', 'too-large'] as const) {
      expect(mapDomainError(new DomainError(kind, 'x'))?.statusCode).toBeGreaterThanOrEqual(400)
    }
  })

  it('is never unexpected (so neither a 500, nor logged, nor a cache error), and other errors are not domain errors', () => {
    expect(classifyUnexpected(notFound('No job with id 1'))).toBeUndefined()
    expect(classifyUnexpected(wrapped(conflict('taken')))).toBeUndefined()
    expect(mapDomainError(new TypeError('boom'))).toBeUndefined()
    expect(mapDomainError(wrapped(new Error('boom')))).toBeUndefined()
  })

  it('found passes a value through and turns a missing one into not-found', () => {
    expect(found(0, 'none')).toBe(0)
    expect(() => found(undefined, 'No provider with id 3')).toThrow(expect.objectContaining({ kind: 'not-found', message: 'No provider with id 3' }))
  })
})

describe('expected failures are mapped in one place', () => {
  const ROOT = resolve(import.meta.dirname, '../..')
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])

  it('no route hand-writes a 404 or a 409: they throw notFound / conflict / found instead', () => {
    const files = sources(join(ROOT, 'server/api'))
    expect(files.length).toBeGreaterThan(30)
    const offenders = files.filter(f => /statusCode:\s*40[49]\b/.test(readFileSync(f, 'utf8'))).map(f => relative(ROOT, f))
    expect(offenders).toEqual([])
  })
})

describe('validation issue paths', () => {
  it('writes array indexes and keys the way API.md shows them', () => {
    expect(formatPath([17, 'billedCents'])).toBe('[17].billedCents')
    expect(formatPath(['status', 2])).toBe('status[2]')
    expect(formatPath([])).toBe('')
  })

  it('names every bad field of a zod failure', () => {
    const schema = z.array(z.object({ billedCents: z.number().int(), payer: z.string() }))
    const result = schema.safeParse([{ billedCents: 1, payer: 'a' }, { billedCents: 1.5, payer: 3 }])
    expect(result.success).toBe(false)
    const paths = formatIssues(result.error!.issues).map(i => i.path)
    expect(paths).toEqual(['[1].billedCents', '[1].payer'])
  })
})

import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { classifyUnexpected } from '../../server/services/errors.ts'
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

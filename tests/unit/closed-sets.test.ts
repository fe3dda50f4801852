// Every closed set a route takes (statuses, sorts, groupBy, bucket, metric, format, role, window,
// namespace…) is built by oneOf, so a wrong value names the allowed ones instead of zod's bare
// "Invalid input" / "Invalid option".
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import * as audit from '../../server/services/audit/schemas.ts'
import * as auth from '../../server/services/auth/schemas.ts'
import * as claims from '../../server/services/claims/schemas.ts'
import * as correlations from '../../server/services/correlations/schemas.ts'
import * as health from '../../server/services/health/schemas.ts'
import * as jobs from '../../server/services/jobs/schemas.ts'
import * as shared from '../../server/services/schemas.ts'
import { formatIssues } from '../../server/services/validation-issues.ts'

const ROOT = resolve(import.meta.dirname, '../..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

it('no server file builds a closed set other than through oneOf', () => {
  // responses.ts files describe answers (the OpenAPI document, the contract test): they never
  // parse a client's input, so their literals and enums give no client a message.
  const offenders = sources(join(ROOT, 'server'))
    .filter(f => !f.endsWith('/responses.ts'))
    .filter(f => /\bz\.(enum|literal|nativeEnum)\(/.test(readFileSync(f, 'utf8')))
    .map(f => relative(ROOT, f))
  expect(offenders).toEqual(['server/services/schemas.ts'])
})

type Def = { type: string, innerType?: z.ZodType, in?: z.ZodType, out?: z.ZodType, element?: z.ZodType, options?: z.ZodType[], entries?: Record<string, string>, shape?: Record<string, z.ZodType> }
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def

/** The values of the closed set a field is made of, looking through optional, default, pipes, unions and arrays. */
function closedSet(schema: z.ZodType): string[] | undefined {
  const def = defOf(schema)
  if (def.type === 'enum') return Object.values(def.entries!)
  for (const inner of [def.innerType, def.in, def.out, def.element, ...(def.options ?? [])]) {
    const found = inner && closedSet(inner)
    if (found) return found
  }
  return undefined
}

const MODULES = { audit, auth, claims, correlations, health, jobs, shared } as Record<string, Record<string, unknown>>
const fields = Object.entries(MODULES).flatMap(([module, exports]) => Object.entries(exports).flatMap(([name, value]) => {
  const def = value && typeof value === 'object' && '_zod' in value ? defOf(value as z.ZodType) : undefined
  if (def?.type !== 'object') return []
  return Object.entries(def.shape!).flatMap(([field, schema]) => {
    const values = closedSet(schema)
    return values ? [{ where: `${module}.${name}.${field}`, schema: value as z.ZodObject, field, values }] : []
  })
}))

describe('a wrong value of a closed set names the allowed values', () => {
  it('finds the closed sets of the schemas', () => {
    const names = fields.map(f => f.where)
    for (const known of ['claims.ListClaimsQuery.status', 'claims.ListClaimsQuery.sort', 'claims.MetricsQuery.groupBy', 'claims.ExportClaimsQuery.format', 'health.SummaryQuery.bucket', 'health.SummaryQuery.metric', 'auth.CreateKeyBody.role'])
      expect(names).toContain(known)
  })

  it.each(fields.map(f => [f.where, f] as const))('%s', (_, { schema, field, values }) => {
    const result = schema.safeParse({ [field]: 'not-a-value' })
    expect(result.success).toBe(false)
    const issue = formatIssues(result.error!.issues).find(i => i.path === field)
    expect(issue, `an issue on ${field}`).toBeDefined()
    expect(issue!.message).toMatch(/^must be one of /)
    for (const value of values) expect(issue!.message).toContain(value)
  })
})

it('a repeated parameter names the value at fault, a lone one the parameter', () => {
  const issues = (status: unknown) => formatIssues(claims.ListClaimsQuery.safeParse({ status }).error!.issues)
  expect(issues(['paid', 'lost'])).toEqual([{ path: 'status[1]', message: expect.stringMatching(/^must be one of submitted, /) }])
  expect(issues('lost')).toEqual([{ path: 'status', message: expect.stringMatching(/^must be one of submitted, /) }])
  expect(issues(['paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid'])).toEqual([{ path: 'status', message: 'may be given at most 6 times' }])
})

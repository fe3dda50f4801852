// Parsing at the edge: every route input goes through a zod schema once. A failure is a 400 with
// `data.issues: [{ path, message }]`, paths written as a client reads them (`[17].billedCents`).
import type { H3Event } from 'h3'
import type { z } from 'zod'
import { formatIssues } from '../services/validation-issues.ts'

export function invalidInput(issues: { path: string, message: string }[], message = 'Invalid input') {
  return createError({
    statusCode: 400,
    statusMessage: 'Bad Request',
    message: `${message}: ${issues.slice(0, 3).map(i => `${i.path || '(root)'} ${i.message}`).join('; ')}`,
    data: { issues },
  })
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw invalidInput(formatIssues(result.error.issues), `Invalid ${what}`)
  return result.data
}

export function parseQuery<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getQuery(event), 'query')
}

export function parseParams<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getRouterParams(event, { decode: true }), 'path')
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  return parseWith(schema, input, what)
}

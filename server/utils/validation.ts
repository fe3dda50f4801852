// Parsing at the edge: every route input goes through a zod schema once. A failure is a 400 with
// `data.issues: [{ path, message }]`, paths written as a client reads them (`[17].billedCents`).
import type { H3Event } from 'h3'
import type { z } from 'zod'
import { issuesMessage } from '../services/errors.ts'
import { searchOf, unknownParams } from '../services/query-params.ts'
import { NoQuery } from '../services/schemas.ts'
import { formatIssues } from '../services/validation-issues.ts'

export function invalidInput(issues: { path: string, message: string }[], message = 'Invalid input') {
  return createError({
    statusCode: 400,
    statusMessage: 'Bad Request',
    message: issuesMessage(issues, message),
    data: { issues },
  })
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw invalidInput(formatIssues(result.error.issues), `Invalid ${what}`)
  return result.data
}

/**
 * The query, parsed with `schema`: a parameter the schema does not name is a 400 naming it (a
 * route without parameters passes NoQuery), and so is one given twice that the schema takes once.
 */
export function parseQuery<S extends z.ZodObject>(event: H3Event, schema: S): z.output<S> {
  const query = getQuery(event)
  const unknown = unknownParams(searchOf(event.path), Object.keys(schema.shape))
  const result = schema.safeParse(query)
  if (result.success && unknown.length === 0) return result.data
  const issues = result.success ? [] : formatIssues(result.error.issues).map((issue) => {
    // `limit=1&limit=2` arrives as an array; say so when one of the values alone would do.
    const value = query[issue.path]
    const field = schema.shape[issue.path] as z.ZodType | undefined
    return Array.isArray(value) && field?.safeParse(value[0]).success ? { path: issue.path, message: 'may be given only once' } : issue
  })
  throw invalidInput([...unknown, ...issues], 'Invalid query')
}

export function parseParams<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  return parseWith(schema, getRouterParams(event, { decode: true }), 'path')
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  return parseWith(schema, input, what)
}

/** For a route that takes no query parameters: any it is sent is a 400 naming it. */
export function parseNoQuery(event: H3Event): void {
  parseQuery(event, NoQuery)
}

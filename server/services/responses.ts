// zod schemas of what the API answers that every domain shares: the error shape, the list
// envelope and an ingest's counts. The OpenAPI document (services/contract) and the tests use them.
import { z } from 'zod'

/** h3's JSON error: a 400 adds `data.issues`, one per field at fault. */
export const ErrorAnswer = z.object({
  error: z.literal(true).optional(),
  url: z.string().optional(),
  statusCode: z.number().int().min(400).max(599),
  statusMessage: z.string(),
  message: z.string(),
  data: z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }).optional(),
}).meta({ id: 'Error', description: 'h3\'s JSON error shape; validation errors (400) add `data.issues: [{ path, message }]`' })

export const Page = z.object({
  limit: z.number().int().min(1),
  nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last page' }),
  total: z.number().int().min(0).optional().meta({ description: 'only with `count=true`: the exact number of matching rows' }),
}).meta({ id: 'Page' })

/** `{ data, page }`: every keyset-paged list. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), page: Page })

export const IngestResult = z.object({
  inserted: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
}).meta({ id: 'IngestResult' })

/** A calendar day, `YYYY-MM-DD` (UTC). */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
/** An instant as ISO 8601 UTC text. */
export const Instant = z.iso.datetime()

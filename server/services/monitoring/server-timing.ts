// The Server-Timing header: `total` (to the response headers), `db` (time in named queries for
// this request) and, on cacheable routes, `cache;desc=HIT|MISS|STALE`.
import type { RequestMeasure } from './request-context.ts'

export function serverTiming(totalMs: number, measure: RequestMeasure): string {
  const parts = [`total;dur=${totalMs.toFixed(2)}`, `db;dur=${measure.dbMs.toFixed(2)}`]
  if (measure.cache) parts.push(`cache;desc=${measure.cache}`)
  return parts.join(', ')
}

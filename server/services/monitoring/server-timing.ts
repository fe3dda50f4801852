// The Server-Timing header: `total` (to the response headers), `db` (time in named queries for
// this request) and, on cacheable routes, `cache;desc=HIT|MISS|STALE`.
import type { RequestMeasure } from './request-context.ts'

export function serverTiming(totalMs: number, measure: RequestMeasure): string {
  // Built by concatenation: it runs on every /api response.
  const head = `total;dur=${totalMs.toFixed(2)}, db;dur=${measure.dbMs.toFixed(2)}`
  return measure.cache ? `${head}, cache;desc=${measure.cache}` : head
}

// Which request a named query belongs to. The measurement plugin runs every request inside
// `runInRequest`; the query observer adds each statement's time to the request it ran for, even
// across awaits, so Server-Timing's `db` is exact when requests interleave.
import { AsyncLocalStorage } from 'node:async_hooks'

export interface RequestMeasure {
  started: number
  dbMs: number
  queries: number
  cache?: 'HIT' | 'MISS' | 'STALE'
}

const storage = new AsyncLocalStorage<RequestMeasure>()

export function runInRequest<T>(measure: RequestMeasure, fn: () => T): T {
  return storage.run(measure, fn)
}

/** The query observer: attributes a statement's time to the running request, if any. */
export function addQueryTime(ms: number): void {
  const measure = storage.getStore()
  if (measure) {
    measure.dbMs += ms
    measure.queries++
  }
}

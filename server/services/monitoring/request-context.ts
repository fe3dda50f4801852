// What the measurement plugin keeps per request. Statement time is tallied by the query layer
// (query/tally.ts) into the request's measure, which is the tally of the request's async
// context: monitoring reads `dbMs` and `queries` for Server-Timing and the route statistics.
import { runTallied, type StatementTally } from '../query/index.ts'

export interface RequestMeasure extends StatementTally {
  started: number
  cache?: 'HIT' | 'MISS' | 'STALE'
}

export function runInRequest<T>(measure: RequestMeasure, fn: () => T): T {
  return runTallied(measure, fn)
}

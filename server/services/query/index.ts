// The named-query layer. Every statement the portal runs is defined here once with a name
// (`claims.list`, `providers.byId`), prepared once per connection, and executed through one
// function that times it, counts its rows and keeps slow executions with their plan.
//
//   const byId = defineQuery<{ id: number }, ProviderRow>('providers.byId',
//     'SELECT id, name FROM providers WHERE id = @id')
//   byId.get({ id: 7 })
//
// Statements use better-sqlite3 named parameters (@name). Rows come back exactly as SQLite
// returns them, so select camelCase aliases (`provider_id AS providerId`). Measured against the
// same SQL on a bare prepared statement in `npm run bench` (query layer over raw).
import type { Statement } from 'better-sqlite3'
import { connectionGeneration, useConnection } from '../../database/client.ts'
import { explain } from './plan.ts'
import { recordExecution, recordSlow, slowThresholdMs } from './stats.ts'

export { configureSlowLog, queryStats, resetQueryStats, slowQueries, type QueryStat, type SlowQuery } from './stats.ts'
export { explain, clearPlanCache } from './plan.ts'

type Params = Record<string, unknown>

export interface CatalogEntry {
  name: string
  sql: string
}

/** Called after every execution, e.g. to add the time to the request's Server-Timing. */
export type QueryObserver = (name: string, ms: number) => void

const catalog = new Map<string, CatalogEntry>()
let observer: QueryObserver | undefined

export function setQueryObserver(fn: QueryObserver | undefined): void {
  observer = fn
}

/** Every statement the portal can run, by name. EXPLAIN only ever runs on these. */
export function queryCatalog(): CatalogEntry[] {
  return [...catalog.values()].sort((a, b) => a.name.localeCompare(b.name))
}

export class NamedQuery<P extends Params, R> {
  readonly name: string
  readonly sql: string
  private stmt: Statement | undefined
  private preparedFor = -1

  // Plain fields rather than parameter properties: Node runs these sources with type stripping only.
  constructor(name: string, sql: string) {
    this.name = name
    this.sql = sql
  }

  all(params: P): R[] {
    return this.execute(params, 'all') as R[]
  }

  get(params: P): R | undefined {
    return this.execute(params, 'get') as R | undefined
  }

  /** For INSERT, UPDATE and DELETE: the number of rows changed and the last rowid. */
  run(params: P): { changes: number, lastInsertRowid: number | bigint } {
    return this.execute(params, 'run') as { changes: number, lastInsertRowid: number | bigint }
  }

  /** The prepared statement on the current connection (re-prepared after a reconnect). */
  statement(): Statement {
    const generation = connectionGeneration()
    if (!this.stmt || this.preparedFor !== generation) {
      this.stmt = useConnection().sqlite.prepare(this.sql)
      this.preparedFor = generation
    }
    return this.stmt
  }

  private execute(params: P, mode: 'all' | 'get' | 'run'): unknown {
    const stmt = this.statement()
    const started = performance.now()
    const result = mode === 'all' ? stmt.all(params) : mode === 'get' ? stmt.get(params) : stmt.run(params)
    const ms = performance.now() - started
    const rows = mode === 'all' ? (result as unknown[]).length : mode === 'get' ? (result === undefined ? 0 : 1) : (result as { changes: number }).changes
    recordExecution(this.name, ms, rows)
    if (ms >= slowThresholdMs(this.name)) this.logSlow(ms, params)
    observer?.(this.name, ms)
    return result
  }

  private logSlow(ms: number, params: P): void {
    let plan: string
    try {
      plan = explain(useConnection().sqlite, this.sql, params)
    }
    catch (error) {
      plan = `(no plan: ${(error as Error).message})`
    }
    recordSlow({ name: this.name, sql: this.sql, durationMs: ms, at: new Date().toISOString(), plan })
  }
}

/** Adds a statement run outside NamedQuery (bulk writers on an explicit connection) to the catalogue. */
export function catalogue(name: string, sql: string): void {
  catalog.set(name, { name, sql })
}

/** Times one execution of a catalogued statement that is run on an explicit connection. */
export function timed<T>(name: string, run: () => T, rowsOf: (result: T) => number = () => 0): T {
  const started = performance.now()
  const result = run()
  const ms = performance.now() - started
  recordExecution(name, ms, rowsOf(result))
  observer?.(name, ms)
  return result
}

/**
 * Defines a named statement. Names are unique; statements whose SQL varies with the request's
 * shape (which filters are present) get one name per shape, `claims.list[status,payer]`, so each
 * shape is prepared once and has its own stats and plan.
 */
export function defineQuery<P extends Params, R = unknown>(name: string, sql: string): NamedQuery<P, R> {
  const existing = catalog.get(name)
  if (existing && existing.sql !== sql) throw new Error(`Query ${name} is already defined with other SQL`)
  catalog.set(name, { name, sql })
  return new NamedQuery<P, R>(name, sql)
}

/** Runs a function in one transaction on the current connection (IMMEDIATE: it will write). */
export function inTransaction<T>(fn: () => T): T {
  return useConnection().sqlite.transaction(fn).immediate()
}

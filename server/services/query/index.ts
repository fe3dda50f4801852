// The named-query layer. Every statement the portal runs is defined here once with a name
// (`claims.list`, `providers.byId`), prepared once per connection, and every execution, whatever
// runs it (NamedQuery, `measured` for bulk writers and merges, the off-thread reader, the job
// worker's statements merged back by transfer.ts), is recorded by stats.ts's recordExecution:
// statistics, Prometheus buckets, the request's Server-Timing `db` and the slow log with a plan.
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
import type { Sqlite } from '../../database/connection.ts'
import { allStatements, recordExecution, statementStats, type StatementStats } from './stats.ts'

export { configureSlowLog, queryStats, resetQueryStats, slowLogSettings, slowQueries, type QueryStat, type SlowQuery, type StatementStats } from './stats.ts'
export { explain, clearPlanCache } from './plan.ts'
export { runTallied, type StatementTally } from './tally.ts'
export { configureWriteWait, DatabaseBusyError, DEFAULT_WRITE_WAIT_MS, isBusyError, writeTransaction, writeWaitMs } from './write.ts'

type Params = Record<string, unknown>

export interface CatalogEntry {
  name: string
  sql: string
}

/** Every statement the portal can run, by name. EXPLAIN only ever runs on these. */
export function queryCatalog(): CatalogEntry[] {
  return [...allStatements()].map(({ name, sql }) => ({ name, sql })).sort((a, b) => a.name.localeCompare(b.name))
}

export class NamedQuery<P extends Params, R> {
  readonly name: string
  readonly sql: string
  private readonly stats: StatementStats
  private stmt: Statement | undefined
  private db: Sqlite | undefined
  private preparedFor = -1

  // Plain fields rather than parameter properties: Node runs these sources with type stripping only.
  constructor(name: string, sql: string, stats: StatementStats) {
    this.name = name
    this.sql = sql
    this.stats = stats
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
      this.db = useConnection().sqlite
      this.stmt = this.db.prepare(this.sql)
      this.preparedFor = generation
    }
    return this.stmt
  }

  /** Records an execution that ran elsewhere (the off-thread reader), on the same path. */
  record(ms: number, rows: number, params: P): void {
    recordExecution(this.stats, ms, rows, useConnection().sqlite, params)
  }

  private execute(params: P, mode: 'all' | 'get' | 'run'): unknown {
    const stmt = this.statement()
    const started = performance.now()
    const result = mode === 'all' ? stmt.all(params) : mode === 'get' ? stmt.get(params) : stmt.run(params)
    const ms = performance.now() - started
    const rows = mode === 'all' ? (result as unknown[]).length : mode === 'get' ? (result === undefined ? 0 : 1) : (result as { changes: number }).changes
    recordExecution(this.stats, ms, rows, this.db, params)
    return result
  }
}

/**
 * Names a statement that is run on an explicit connection (bulk writers, rollup merges, the
 * job worker's connection) rather than through NamedQuery; the runner measures each execution
 * with `measured`.
 */
export function defineStatement(name: string, sql: string): StatementStats {
  return statementStats(name, sql)
}

/**
 * Times one execution of a named statement on `db` and records it like any other: a batch of
 * runs of one prepared statement (a merge of many rollup rows) counts as one execution with the
 * rows it wrote, so a slow merge reaches the slow log as a whole.
 */
export function measured<T>(stats: StatementStats, db: Sqlite, run: () => T, rowsOf: (result: T) => number = () => 0): T {
  const started = performance.now()
  const result = run()
  recordExecution(stats, performance.now() - started, rowsOf(result), db)
  return result
}

/**
 * Defines a named statement. Names are unique; statements whose SQL varies with the request's
 * shape (which filters are present) get one name per shape, `claims.list[status,payer]`, so each
 * shape is prepared once and has its own stats and plan.
 */
export function defineQuery<P extends Params, R = unknown>(name: string, sql: string): NamedQuery<P, R> {
  return new NamedQuery<P, R>(name, sql, statementStats(name, sql))
}

/**
 * Runs a function in one transaction on the current connection (IMMEDIATE: it will write), waiting
 * for the lock as long as the connection's busy timeout says, synchronously: for CLI scripts and
 * the job worker thread. On the server's main thread use writeTransaction (write.ts), which waits
 * on timers; there, inside a writeTransaction, this is a savepoint and never waits.
 */
export function inTransaction<T>(fn: () => T): T {
  return useConnection().sqlite.transaction(fn).immediate()
}

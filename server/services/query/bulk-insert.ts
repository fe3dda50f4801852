// Multi-row INSERTs for bulk writers (the seeder, ingest): one statement carrying many rows is
// several times faster than a statement per row, because SQLite parses, plans and steps once.
// Each multi-row statement is one execution of the inserter's named statement (catalogued in its
// one-row form), recorded on the query layer's one path.
import type { Statement } from 'better-sqlite3'
import type { Sqlite } from '../../database/connection.ts'
import { preparedStatement as prepare } from '../../database/statements.ts'
import { recordExecution, statementStats, type StatementStats } from './stats.ts'

/** SQLite's default limit on bound parameters per statement is 32,766. */
const MAX_PARAMS = 32_000

export class BulkInserter {
  private readonly full: Statement
  private readonly rowsPerStatement: number
  private readonly sqlite: Sqlite
  private readonly table: string
  private readonly columns: readonly string[]
  private readonly stats: StatementStats
  private values: unknown[] = []
  private written = 0

  /** `name` is the statement's name in the query statistics (`claims.ingest.insert`). */
  constructor(name: string, sqlite: Sqlite, table: string, columns: readonly string[], rowsPerStatement = 500) {
    this.sqlite = sqlite
    this.table = table
    this.columns = columns
    this.rowsPerStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMS / columns.length)))
    this.stats = statementStats(name, this.sql(1))
    this.full = prepare(sqlite, this.sql(this.rowsPerStatement))
  }

  /** Queues one row, in the order of `columns`; writes a full statement's worth at once. */
  push(...row: unknown[]): void {
    for (const v of row) this.values.push(v)
    if (this.values.length === this.rowsPerStatement * this.columns.length) {
      this.write(this.full, this.rowsPerStatement)
    }
  }

  /** Writes the queued rows; returns the total written by this inserter. */
  flush(): number {
    const rows = this.values.length / this.columns.length
    if (rows > 0) this.write(prepare(this.sqlite, this.sql(rows)), rows)
    return this.written
  }

  /** The statement for `rows` rows (also what the query catalogue shows for one row). */
  sql(rows: number): string {
    const tuple = `(${this.columns.map(() => '?').join(',')})`
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`
  }

  private write(stmt: Statement, rows: number): void {
    const started = performance.now()
    stmt.run(this.values)
    recordExecution(this.stats, performance.now() - started, rows, this.sqlite)
    this.values = []
    this.written += rows
  }
}

// Statements prepared once per connection, by SQL, for writers that run catalogued SQL on an
// explicit connection (bulk inserts, rollups): repeated batches (every ingest request) do not
// prepare again. NamedQuery keeps its own statement for the process's connection.
import type { Statement } from 'better-sqlite3'
import type { Sqlite } from './connection.ts'

const prepared = new WeakMap<Sqlite, Map<string, Statement>>()

export function preparedStatement(sqlite: Sqlite, sql: string): Statement {
  let bySql = prepared.get(sqlite)
  if (!bySql) prepared.set(sqlite, bySql = new Map())
  let stmt = bySql.get(sql)
  if (!stmt) bySql.set(sql, stmt = sqlite.prepare(sql))
  return stmt
}

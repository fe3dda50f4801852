// What indexes exist, on which columns, and how large they are: read from SQLite's own catalogue
// (PRAGMA index_list / index_xinfo, sqlite_schema, dbstat), so it is true of the file as it is.
import type { Sqlite } from '../../database/connection.ts'

export interface IndexInfo {
  name: string
  columns: string[]
  where: string | null
  unique: boolean
  /** 'c' created by CREATE INDEX, 'u' a UNIQUE constraint, 'pk' the primary key. */
  origin: string
  sizeBytes: number | null
}

export interface TableInfo {
  name: string
  rows: number
  sizeBytes: number | null
  indexes: IndexInfo[]
}

const INTERNAL = /^(sqlite_|__drizzle)/

export function userTables(sqlite: Sqlite): string[] {
  return (sqlite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[])
    .map(r => r.name)
    .filter(name => !INTERNAL.test(name))
}

/** Bytes per table and index, from dbstat (one pass over the file; not for a hot path). */
export function objectSizes(sqlite: Sqlite): Map<string, number> {
  try {
    const rows = sqlite.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string, bytes: number }[]
    return new Map(rows.map(r => [r.name, r.bytes]))
  }
  catch {
    return new Map()
  }
}

export function describeIndexes(sqlite: Sqlite, options: { sizes?: boolean, rowCounts?: boolean } = {}): TableInfo[] {
  const sizes = options.sizes === false ? new Map<string, number>() : objectSizes(sqlite)
  const definitions = new Map((sqlite.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index'`).all() as { name: string, sql: string | null }[])
    .map(r => [r.name, r.sql]))
  return userTables(sqlite).map((table) => {
    const list = sqlite.prepare(`SELECT name, "unique" AS isUnique, origin, partial FROM pragma_index_list(?)`).all(table) as { name: string, isUnique: number, origin: string, partial: number }[]
    const indexes = list.map((ix) => {
      const columns = (sqlite.prepare('SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(ix.name) as { name: string | null }[])
        .map(c => c.name ?? '<expr>')
      const sql = definitions.get(ix.name)
      const where = ix.partial && sql ? (/\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1]?.trim() ?? null) : null
      return { name: ix.name, columns, where, unique: ix.isUnique === 1, origin: ix.origin, sizeBytes: sizes.get(ix.name) ?? null }
    }).sort((a, b) => a.name.localeCompare(b.name))
    const rows = options.rowCounts === false ? 0 : (sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
    return { name: table, rows, sizeBytes: sizes.get(table) ?? null, indexes }
  })
}

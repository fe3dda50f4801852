// GET /api/v1/admin/indexes: the index catalogue (indexes.ts) joined with the plans of every
// named query. An index no catalogued plan uses is "unused"; an index whose columns are a prefix
// of another's (same table, same partial WHERE) is a duplicate the longer one covers; a plan line
// `SCAN <table>` with no index reads the whole table. Plans come from the catalogue, so queries
// whose SQL is defined on first use (one per list shape) count once they have run in this process.
import type { Sqlite } from '../../database/connection.ts'
import type { CatalogEntry } from '../query/index.ts'
import { explain } from '../query/plan.ts'
import { describeIndexes, type IndexInfo, type TableInfo } from './indexes.ts'

export interface IndexReport {
  tables: (Omit<TableInfo, 'indexes'> & { indexes: (Omit<IndexInfo, 'origin'> & { usedBy: string[] })[] })[]
  unused: string[]
  duplicates: { index: string, coveredBy: string }[]
  fullScans: { query: string, table: string, plan: string }[]
  statsAnalyzedAt: string | null
  queriesExamined: number
}

const USES_INDEX = /\b(?:SEARCH|SCAN) (\S+)(?: AS \S+)? USING (?:COVERING )?INDEX (\S+)/
const WHOLE_TABLE = /\bSCAN (\S+)(?: AS \S+)?\s*$/

export interface PlanUse {
  indexes: Set<string>
  scans: Set<string>
}

/** Which indexes a plan uses and which tables it reads whole. */
export function readPlan(plan: string): PlanUse {
  const use: PlanUse = { indexes: new Set(), scans: new Set() }
  for (const line of plan.split('\n')) {
    const uses = USES_INDEX.exec(line)
    if (uses) use.indexes.add(uses[2]!)
    const scan = WHOLE_TABLE.exec(line)
    if (scan) use.scans.add(scan[1]!)
  }
  return use
}

/** Index `a` adds nothing that `b` does not have: same table, same WHERE, its columns a prefix of b's. */
export function isPrefixOf(a: { columns: string[], where: string | null }, b: { columns: string[], where: string | null }): boolean {
  if (a.where !== b.where || a.columns.length > b.columns.length) return false
  return a.columns.every((column, i) => column === b.columns[i])
}

export function analyzeIndexes(sqlite: Sqlite, catalog: CatalogEntry[], statsAnalyzedAt: string | null): IndexReport {
  const tables = describeIndexes(sqlite)
  const tableNames = new Set(tables.map(t => t.name))
  const usedBy = new Map<string, string[]>()
  const fullScans: IndexReport['fullScans'] = []
  for (const entry of catalog) {
    let plan: string
    try {
      plan = explain(sqlite, entry.sql)
    }
    catch {
      continue // e.g. a statement on sqlite_stat1 before ANALYZE created it
    }
    const use = readPlan(plan)
    for (const index of use.indexes) usedBy.set(index, [...(usedBy.get(index) ?? []), entry.name])
    for (const table of use.scans) if (tableNames.has(table)) fullScans.push({ query: entry.name, table, plan })
  }

  const unused: string[] = []
  const duplicates: IndexReport['duplicates'] = []
  const report = tables.map((table) => {
    const indexes = table.indexes.map(({ origin, ...ix }) => ({ ...ix, origin, usedBy: (usedBy.get(ix.name) ?? []).sort() }))
    for (const ix of indexes) {
      // Unique and primary-key indexes enforce a constraint even when no query reads them.
      const enforces = ix.unique || ix.origin !== 'c'
      if (!enforces && ix.usedBy.length === 0) unused.push(ix.name)
      if (enforces) continue
      const wider = indexes.find(other => other.name !== ix.name && isPrefixOf(ix, other)
        && (other.columns.length > ix.columns.length || other.name < ix.name))
      if (wider) duplicates.push({ index: ix.name, coveredBy: wider.name })
    }
    return { ...table, indexes: indexes.map(({ origin: _origin, ...ix }) => ix) }
  })
  return { tables: report, unused: unused.sort(), duplicates, fullScans, statsAnalyzedAt, queriesExamined: catalog.length }
}

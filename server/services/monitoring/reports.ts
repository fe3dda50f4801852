// The admin reports that read the query layer: per-name statistics with plans, and the index
// report. The index report reads every page of the file (dbstat) and explains every catalogued
// statement, so it is kept for INDEX_REPORT_TTL_MS unless a refresh is asked for; which of the
// indexes the planners name are missing is read fresh each time.
import { useConnection } from '../../database/client.ts'
import { explain, queryCatalog, queryStats, slowQueries } from '../query/index.ts'
import { expectedIndexes, missingIndexes } from './planned-indexes.ts'
import { databaseFacts } from './database.ts'
import { analyzeIndexes, type IndexReport } from './index-usage.ts'

export const INDEX_REPORT_TTL_MS = 10 * 60_000

export function queriesReport() {
  const sqlite = useConnection().sqlite
  const stats = new Map(queryStats().map(s => [s.name, s]))
  const sqlOf = new Map(queryCatalog().map(e => [e.name, e.sql]))
  const names = new Set([...sqlOf.keys(), ...stats.keys()])
  const queries = [...names].map((name) => {
    const sql = sqlOf.get(name) ?? ''
    const s = stats.get(name)
    return {
      name,
      sql,
      calls: s?.calls ?? 0,
      totalMs: s?.totalMs ?? 0,
      meanMs: s?.meanMs ?? 0,
      p95Ms: s?.p95Ms ?? 0,
      maxMs: s?.maxMs ?? 0,
      rows: s?.rows ?? 0,
      plan: sql ? planOf(sqlite, sql) : null,
    }
  }).sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name))
  return { queries, slow: slowQueries() }
}

function planOf(sqlite: Parameters<typeof explain>[0], sql: string): string | null {
  try {
    return explain(sqlite, sql)
  }
  catch {
    return null // a statement on a table that does not exist yet (sqlite_stat1 before ANALYZE)
  }
}

let memo: { at: number, report: IndexReport & { generatedAt: string } } | undefined

export function indexReport(options: { refresh?: boolean } = {}, now = Date.now()) {
  if (!options.refresh && memo && now - memo.at < INDEX_REPORT_TTL_MS) return { ...memo.report, missing: missingIndexes() }
  const report = withPlannedUse(analyzeIndexes(useConnection().sqlite, queryCatalog(), databaseFacts().statsAnalyzedAt))
  memo = { at: now, report: { ...report, generatedAt: new Date(now).toISOString() } }
  return { ...memo.report, missing: missingIndexes() }
}

/**
 * The planners' statements are prepared per request shape, so a shape no request has asked for
 * since start is not in the catalogue: without this, the indexes they name would read "unused",
 * an invitation to drop them. They are used by their planner.
 */
function withPlannedUse(report: IndexReport): IndexReport {
  const planned = expectedIndexes()
  const tables = report.tables.map(t => ({
    ...t,
    indexes: t.indexes.map(ix => ({ ...ix, usedBy: [...new Set([...ix.usedBy, ...(planned.get(ix.name) ?? [])])].sort() })),
  }))
  return { ...report, tables, unused: report.unused.filter(name => !planned.has(name)) }
}

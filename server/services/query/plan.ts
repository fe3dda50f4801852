// EXPLAIN QUERY PLAN for catalogued statements only: the SQL always comes from the catalogue,
// never from a request. better-sqlite3's SQLite is built with STAT4, so a plan can depend on the
// bound values: the slow log explains a named query with the values of its first slow execution
// (used, never kept; the plan is kept on the statement's entry); the catalogue's plans bind NULLs
// and show the statement's general shape.
import type { Sqlite } from '../../database/connection.ts'

interface PlanRow {
  id: number
  parent: number
  detail: string
}

const cache = new WeakMap<Sqlite, Map<string, string>>()

/** The plan as an indented tree, one line a step, as the sqlite3 CLI prints it. */
export function explain(sqlite: Sqlite, sql: string, params?: Record<string, unknown>): string {
  if (params) return renderPlan(sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as PlanRow[])
  let plans = cache.get(sqlite)
  if (!plans) {
    plans = new Map()
    cache.set(sqlite, plans)
  }
  const known = plans.get(sql)
  if (known !== undefined) return known
  const stmt = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`)
  const rows = stmt.all(nullParams(sql)) as PlanRow[]
  const plan = renderPlan(rows)
  plans.set(sql, plan)
  return plan
}

/** Forgets cached plans, after ANALYZE or a migration may have changed them. */
export function clearPlanCache(sqlite: Sqlite): void {
  cache.delete(sqlite)
}

export function renderPlan(rows: PlanRow[]): string {
  const depth = new Map<number, number>([[0, -1]])
  return rows.map((row) => {
    const d = (depth.get(row.parent) ?? -1) + 1
    depth.set(row.id, d)
    return `${'  '.repeat(d)}${row.detail}`
  }).join('\n')
}

function nullParams(sql: string): Record<string, null> | null[] {
  const named = sql.match(/[@:$][A-Za-z_]\w*/g)
  if (named) return Object.fromEntries(named.map(n => [n.slice(1), null]))
  return Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null)
}

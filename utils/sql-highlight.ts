// A small SQL highlighter for the slow-query log: splits a statement into tokens the page renders
// as spans (no HTML is built from strings, so nothing in a statement can become markup).
export type SqlTokenKind = 'keyword' | 'string' | 'number' | 'param' | 'comment' | 'text'
export interface SqlToken { kind: SqlTokenKind, text: string }

const KEYWORDS = new Set(('select from where and or not in is null as on join left inner outer cross group by order having '
  + 'limit offset insert into values update set delete returning with case when then else end distinct union all '
  + 'exists between like glob asc desc indexed create index table conflict do nothing coalesce sum count min max avg '
  + 'cast integer real text primary key unique over partition replace using explain query plan').split(' '))

const PATTERN = /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*')|([@:$?][A-Za-z_0-9]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z_0-9]*)|(\s+|.)/g

export function highlightSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = []
  const push = (kind: SqlTokenKind, text: string) => {
    const last = tokens[tokens.length - 1]
    if (last && last.kind === kind && kind === 'text') last.text += text
    else tokens.push({ kind, text })
  }
  for (const m of sql.matchAll(PATTERN)) {
    if (m[1]) push('comment', m[1])
    else if (m[2]) push('string', m[2])
    else if (m[3]) push('param', m[3])
    else if (m[4]) push('number', m[4])
    else if (m[5]) push(KEYWORDS.has(m[5].toLowerCase()) ? 'keyword' : 'text', m[5])
    else push('text', m[0])
  }
  return tokens
}

/** The indexes an EXPLAIN QUERY PLAN names (`USING INDEX x`, `USING COVERING INDEX x`). */
export function indexesInPlan(plan: string | null | undefined): string[] {
  if (!plan) return []
  const names = [...plan.matchAll(/USING (?:COVERING )?INDEX ([A-Za-z_][A-Za-z_0-9]*)/g)].map(m => m[1]!)
  return [...new Set(names)]
}

/** Whether a plan reads a whole table: a `SCAN t` line that uses no index (CONSTANT ROW is no table). */
export function hasFullScan(plan: string | null | undefined): boolean {
  if (!plan) return false
  return plan.split('\n').some(line => /\bSCAN\b/.test(line) && !/USING|CONSTANT ROW/.test(line))
}

// SQL that differs between database engines lives here (DESIGN.md), so moving to PostgreSQL
// changes this file rather than every service. SQLite versions of each.

/**
 * The bucket of a `YYYY-MM-DD` column as a SQL expression: the day itself, the Monday of its week
 * (`2026-03-02`), or its month (`2026-03`).
 */
export function dayBucketSql(bucket: 'day' | 'week' | 'month', column = 'day'): string {
  if (bucket === 'week') return `date(${column}, '-' || ((CAST(strftime('%w', ${column}) AS INTEGER) + 6) % 7) || ' days')`
  if (bucket === 'month') return `substr(${column}, 1, 7)`
  return column
}

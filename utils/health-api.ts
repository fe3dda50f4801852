// Reading the health and correlations answers (API.md, "Health data" and "Correlations").
export interface Person { personId: string, firstDay: string | null, lastDay: string | null, metrics: string[] }
export interface Supplement { id: string, name: string, defaultUnit?: string }

/** A list answer's rows: `{ data: [...] }` as every list in this API has it. */
export function rowsOf<T>(answer: { data?: T[] } | null | undefined): T[] {
  return Array.isArray(answer?.data) ? answer.data : []
}

/** The range to show for a person: the last `days` days of their data. */
export function personRange(person: Person | undefined, days: number): { from: string, to: string } | undefined {
  if (!person?.lastDay) return undefined
  const to = person.lastDay
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10)
  return { from: person.firstDay && person.firstDay > from ? person.firstDay : from, to }
}

/** The correlation whose pairs mark intake days: lag 0 when there is one, else the shortest lag. */
export function markerCorrelation<T extends { id: number, lagDays: number }>(rows: T[]): T | undefined {
  return [...rows].sort((a, b) => a.lagDays - b.lagDays || a.id - b.id)[0]
}

export function firstQuery(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v : ''
}

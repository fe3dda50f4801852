// UTC calendar days for the synthetic data, and the progress callback the seeders report through.

export const DAY_MS = 86_400_000

/** Called after each committed batch: units done of the total planned, and rows written so far. */
export type Progress = (done: number, total: number, rows: number) => void

/** The `days` calendar days ending with `end` (inclusive), oldest first. */
export function dayList(end: string, days: number): string[] {
  const endMs = Date.parse(`${end}T00:00:00Z`)
  return Array.from({ length: days }, (_, i) => new Date(endMs - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10))
}

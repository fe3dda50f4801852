// UTC calendar days for the synthetic data, and the progress callback the seeders report through.

import { DAY_MS, dayStart, utcDay } from '../days.ts'

export { DAY_MS }

/** Called after each committed batch: units done of the total planned, and rows written so far. */
export type Progress = (done: number, total: number, rows: number) => void

/** The `days` calendar days ending with `end` (inclusive), oldest first. */
export function dayList(end: string, days: number): string[] {
  const endMs = dayStart(end)
  return Array.from({ length: days }, (_, i) => utcDay(endMs - (days - 1 - i) * DAY_MS))
}

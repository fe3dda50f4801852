// UTC calendar days and the end instant of the synthetic data, and the progress callback the
// seeders report through.
import { z } from 'zod'
import { DAY_MS, dayStart, utcDay } from '../days.ts'

export { DAY_MS }

/** Called after each committed batch: units done of the total planned, and rows written so far. */
export type Progress = (done: number, total: number, rows: number) => void

/** The `days` calendar days ending with `end` (inclusive), oldest first. */
export function dayList(end: string, days: number): string[] {
  const endMs = dayStart(end)
  return Array.from({ length: days }, (_, i) => utcDay(endMs - (days - 1 - i) * DAY_MS))
}

const EndDay = z.iso.date()
const EndInstant = z.iso.datetime({ offset: true })

/**
 * The last instant of data, epoch ms. A day (YYYY-MM-DD) means all of that UTC day; an ISO
 * instant with its offset means that instant; none means now. Nothing the seeder writes lies
 * after it: a seed of today that wrote the whole day would hold claims submitted in the future.
 */
export function endInstant(end: string | undefined, now: number = Date.now()): number {
  if (end === undefined) return now
  if (EndDay.safeParse(end).success) return dayStart(end) + DAY_MS - 1
  if (EndInstant.safeParse(end).success) return Date.parse(end)
  throw new RangeError(`end must be a day YYYY-MM-DD or an ISO instant with its offset; got ${end}`)
}

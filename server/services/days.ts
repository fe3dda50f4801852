// Calendar days, always UTC (API.md: days are UTC calendar days), as 'YYYY-MM-DD' strings.

export const DAY_MS = 86_400_000

/** The UTC day of an instant (epoch milliseconds). */
export function utcDay(ms: number = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The instant a day starts (epoch milliseconds). */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

export function addDays(day: string, days: number): string {
  return utcDay(dayStart(day) + days * DAY_MS)
}

/** Days from `from` to `to`, both included. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((dayStart(to) - dayStart(from)) / DAY_MS) + 1
}

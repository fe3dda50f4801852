// Date ranges the overview offers, as inclusive YYYY-MM-DD pairs in UTC (the API's days).
export interface DayRange { from: string, to: string }
export type RangePreset = 'last30' | 'last90' | 'lastQuarter' | 'thisQuarter' | 'ytd' | 'last365'

export const RANGE_PRESETS: { id: RangePreset, label: string }[] = [
  { id: 'last30', label: 'Last 30 days' },
  { id: 'last90', label: 'Last 90 days' },
  { id: 'thisQuarter', label: 'This quarter' },
  { id: 'lastQuarter', label: 'Last quarter' },
  { id: 'ytd', label: 'Year to date' },
  { id: 'last365', label: 'Last 365 days' },
]

const DAY_MS = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function isDay(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && iso(Date.parse(`${value}T00:00:00Z`) || 0) === value
}

export function addDays(day: string, days: number): string {
  return iso(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS)
}

export function daysBetween(range: DayRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS) + 1
}

/** The preset's range ending at `today` (quarters are calendar quarters). */
export function presetRange(preset: RangePreset, today: string): DayRange {
  const [y, m] = today.split('-').map(Number) as [number, number]
  const quarterStart = (year: number, q: number) => `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`
  const q = Math.floor((m - 1) / 3)
  switch (preset) {
    case 'last30': return { from: addDays(today, -29), to: today }
    case 'last90': return { from: addDays(today, -89), to: today }
    case 'last365': return { from: addDays(today, -364), to: today }
    case 'ytd': return { from: `${y}-01-01`, to: today }
    case 'thisQuarter': return { from: quarterStart(y, q), to: today }
    case 'lastQuarter': {
      const year = q === 0 ? y - 1 : y
      const prev = q === 0 ? 3 : q - 1
      return { from: quarterStart(year, prev), to: addDays(prev === 3 ? `${year + 1}-01-01` : quarterStart(year, prev + 1), -1) }
    }
  }
}

/** The preset a range matches, so the picker can show it selected. */
export function matchPreset(range: DayRange, today: string): RangePreset | undefined {
  return RANGE_PRESETS.find(p => {
    const r = presetRange(p.id, today)
    return r.from === range.from && r.to === range.to
  })?.id
}

/** A time bucket that gives a readable number of points: days up to ~2 months, then weeks, then months. */
export function bucketFor(range: DayRange): 'day' | 'week' | 'month' {
  const days = daysBetween(range)
  return days <= 62 ? 'day' : days <= 190 ? 'week' : 'month'
}

export function utcToday(now: number = Date.now()): string {
  return iso(now)
}

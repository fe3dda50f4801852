// A from/to range kept in the URL query (`?from=2026-04-01&to=2026-06-30`), so a view can be
// bookmarked and shared; without one, a preset range ending today.
import { isDay, presetRange, utcToday, type DayRange, type RangePreset } from '~/utils/date-ranges'

export function useDayRange(defaultPreset: RangePreset = 'last90') {
  const route = useRoute()
  const router = useRouter()
  const range = computed<DayRange>(() => {
    const { from, to } = route.query
    if (isDay(from) && isDay(to) && from <= to) return { from, to }
    return presetRange(defaultPreset, utcToday())
  })
  function setRange(r: DayRange) {
    router.push({ query: { ...route.query, from: r.from, to: r.to } })
  }
  return { range, setRange }
}

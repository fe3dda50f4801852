// Cursor paging of a filtered list whose filters and cursor live in the URL. "Next" pushes the
// current cursor on a stack and "Previous" pops it; the stack is kept for one set of filters,
// since a cursor is only valid with the filters that issued it.
import { nextStack, previousPage } from '~/utils/claims-query'

type Query = Record<string, string | string[]>

export function useCursorPages<F>(stateKey: string, applied: Ref<F>, toQuery: (filters: F, cursor?: string) => Query) {
  const route = useRoute()
  const router = useRouter()
  const cursor = computed(() => (typeof route.query.cursor === 'string' ? route.query.cursor : ''))
  const saved = useState<{ filters: string, cursors: string[] }>(stateKey, () => ({ filters: '', cursors: [] }))
  const filterKey = computed(() => JSON.stringify(toQuery(applied.value)))
  const stack = computed<string[]>({
    get: () => (saved.value.filters === filterKey.value ? saved.value.cursors : []),
    set: (cursors) => { saved.value = { filters: filterKey.value, cursors } },
  })

  /** Shows the first page for these filters (none: everything). */
  function show(filters?: F) {
    stack.value = []
    router.push({ query: filters === undefined ? {} : toQuery(filters) })
  }
  function next(nextCursor: string | null | undefined) {
    if (!nextCursor) return
    stack.value = nextStack(stack.value, cursor.value)
    router.push({ query: toQuery(applied.value, nextCursor) })
  }
  function previous() {
    const prev = previousPage(stack.value)
    stack.value = prev.stack
    router.push({ query: toQuery(applied.value, prev.cursor || undefined) })
  }
  return { cursor, stack, show, next, previous }
}

// CSV export of the filtered claims, built in the browser: the API is paged through with
// limit=1000 (the largest page) and each page becomes CSV text at once, so the rows themselves
// are not all kept in memory; the text parts become one Blob at the end. The server answers each
// page with one indexed range read, so an export never holds the server's event loop.
import { claimsCsvHeader, claimsCsvLines } from '~/utils/csv'

export function useClaimsExport() {
  const exported = ref(0)
  const running = ref(false)
  const error = ref<string | null>(null)
  let cancelled = false

  async function run(query: Record<string, unknown>, fileName: string) {
    running.value = true
    cancelled = false
    exported.value = 0
    error.value = null
    const parts: string[] = [claimsCsvHeader()]
    try {
      let cursor: string | null = null
      do {
        const page: { data: Record<string, unknown>[], page: { nextCursor: string | null } } = await $fetch('/api/v1/claims', {
          query: { ...query, limit: 1000, ...(cursor ? { cursor } : {}) },
        })
        parts.push(claimsCsvLines(page.data))
        exported.value += page.data.length
        cursor = page.page.nextCursor
      } while (cursor && !cancelled)
      if (cancelled) return
      const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }))
      const a = document.createElement('a')
      a.href = url
      a.download = fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    }
    catch (e) {
      error.value = apiErrorMessage(e)
    }
    finally {
      running.value = false
    }
  }

  return { run, cancel: () => { cancelled = true }, exported, running, error }
}

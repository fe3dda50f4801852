// Calls `refresh` every `ms` while the page is open and visible. A refresh never overlaps the
// previous one, and useFetch keeps the last data while it runs, so nothing flickers.
export function usePolling(refresh: () => Promise<unknown>, ms = 5000) {
  let timer: ReturnType<typeof setInterval> | undefined
  let running = false
  const lastRefreshed = ref<number | null>(null)

  async function tick() {
    if (running || document.visibilityState === 'hidden') return
    running = true
    try {
      await refresh()
      lastRefreshed.value = Date.now()
    }
    finally {
      running = false
    }
  }

  onMounted(() => {
    lastRefreshed.value = Date.now()
    timer = setInterval(tick, ms)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return { lastRefreshed }
}

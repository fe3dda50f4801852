// How long the event loop was held while something ran: the longest gap between ticks of a short
// interval timer while `fn` is pending (a loop that never waits shows gaps near the interval).
export async function watchLoop<T>(fn: () => Promise<T>, everyMs = 5): Promise<{ outcome: PromiseSettledResult<T>, ms: number, longestGapMs: number }> {
  let last = performance.now()
  let longestGapMs = 0
  const tick = setInterval(() => {
    const now = performance.now()
    longestGapMs = Math.max(longestGapMs, now - last)
    last = now
  }, everyMs)
  const started = performance.now()
  const [outcome] = await Promise.allSettled([fn()])
  const ms = performance.now() - started
  clearInterval(tick)
  return { outcome: outcome!, ms, longestGapMs }
}

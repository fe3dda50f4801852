// Event-loop delay and memory, sampled. The delay histogram is native (perf_hooks) and costs
// nothing per request; every SAMPLE_MS its p99 is read and it starts over, so the value is the
// p99 of the last interval rather than of the whole uptime.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export const SAMPLE_MS = 10_000

export interface ProcessSample {
  at: string
  eventLoopP99Ms: number
  rssBytes: number
  heapUsedBytes: number
}

let monitor: ReturnType<typeof monitorEventLoopDelay> | undefined
let timer: NodeJS.Timeout | undefined
let last: ProcessSample | undefined

export function startProcessSampler(): void {
  if (monitor) return
  monitor = monitorEventLoopDelay({ resolution: 10 })
  monitor.enable()
  timer = setInterval(takeSample, SAMPLE_MS)
  timer.unref()
}

export function stopProcessSampler(): void {
  clearInterval(timer)
  monitor?.disable()
  monitor = undefined
}

function takeSample(): ProcessSample {
  const memory = process.memoryUsage()
  // perf_hooks reports nanoseconds; an empty histogram reports NaN.
  const p99 = monitor && monitor.count > 0 ? monitor.percentile(99) / 1e6 : 0
  monitor?.reset()
  last = { at: new Date().toISOString(), eventLoopP99Ms: p99, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
  return last
}

/** The latest sample; before the first interval has passed, one taken now. */
export function processSample(): ProcessSample {
  if (last) return last
  const memory = process.memoryUsage()
  const p99 = monitor && monitor.count > 0 ? monitor.percentile(99) / 1e6 : 0
  return { at: new Date().toISOString(), eventLoopP99Ms: p99, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
}


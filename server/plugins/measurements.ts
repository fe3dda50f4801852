// Measurements: times every request (Server-Timing, per-route statistics, /metrics), runs it in
// the query layer's tally so its statements' time is its `db`, and samples the event loop and
// memory. The statements themselves are measured by the query layer whatever runs them. NUXT_MEASUREMENTS=false turns all
// of it off, so a benchmark can compare the hot path with and without it.
import type { H3Event } from 'h3'
import { startProcessSampler, stopProcessSampler } from '../services/monitoring/process.ts'
import { observeRequest } from '../services/monitoring/prometheus.ts'
import { runInRequest, type RequestMeasure } from '../services/monitoring/request-context.ts'
import { configureRequestStats, recordRequest } from '../services/monitoring/requests.ts'
import { routeLabel } from '../services/monitoring/route-label.ts'
import { serverTiming } from '../services/monitoring/server-timing.ts'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  configureRequestStats({ slowRequestMs: Number(config.slowRequestMs) })
  if (String(config.measurements) === 'false') {
    console.info('[measurements] off (NUXT_MEASUREMENTS=false): no Server-Timing, route statistics or request metrics')
    return
  }
  startProcessSampler()

  // Routes are matched after the middleware: a request a middleware answered (401, 403) gets its
  // template from the router here, off the response path.
  const resolveRoute = async (path: string): Promise<string | undefined> => {
    const found = await nitroApp.router.handler.__resolve__?.(path)
    return found?.route
  }

  // Labels are route templates or the fixed (unmatched): never the path (route-label.ts).
  const record = (event: H3Event, measure: RequestMeasure, status: number, ms: number) => {
    const path = event.path
    const finish = (template: string | undefined) => {
      const route = routeLabel(template, status, path)
      recordRequest(event.method, route, status, ms, { dbMs: measure.dbMs, requestId: event.context.requestId ?? '' })
      observeRequest(event.method, route, status, ms)
    }
    const matched = event.context.matchedRoute?.path
    if (matched) finish(matched)
    else resolveRoute(path).then(finish, () => finish(undefined))
  }

  // The whole h3 handler (middleware included) runs inside the request's AsyncLocalStorage
  // context, so query time is attributed across awaits; Nitro wraps h3App.handler the same way for
  // its own experimental async context. toNodeListener reads app.handler per request.
  // Headers are written once, by writeHead (res.end calls it too): wrapping it catches every way
  // a response leaves (a returned body, send(), an error handler, a 304), just before it does.
  const inner = nitroApp.h3App.handler
  nitroApp.h3App.handler = (event: H3Event) => {
    const measure: RequestMeasure = { started: performance.now(), dbMs: 0, queries: 0 }
    event.context.measure = measure
    const res = event.node.res
    const writeHead = res.writeHead
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
      res.writeHead = writeHead
      const ms = performance.now() - measure.started
      if (event.path.startsWith('/api/') && !res.headersSent) res.setHeader('Server-Timing', serverTiming(ms, measure))
      record(event, measure, typeof args[0] === 'number' ? args[0] : res.statusCode, ms)
      return writeHead.apply(this, args)
    } as typeof res.writeHead
    return runInRequest(measure, () => inner(event))
  }

  nitroApp.hooks.hook('close', () => {
    stopProcessSampler()
  })
})

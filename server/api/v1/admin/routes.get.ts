import { z } from 'zod'
import { routeStats, slowRequests } from '../../../services/monitoring/requests.ts'
import { WINDOWS, type WindowName } from '../../../services/monitoring/windows.ts'

const Query = z.object({ window: z.enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]).default('5m') })

export default defineEventHandler((event) => {
  const { window } = parseQuery(event, Query)
  return { window, routes: routeStats(window), slow: slowRequests() }
})

import { z } from 'zod'
import { oneOf, queryBoolean } from '../../../services/schemas.ts'
import { requestHistory, routeStats, slowRequests } from '../../../services/monitoring/requests.ts'
import { WINDOWS, type WindowName } from '../../../services/monitoring/windows.ts'

const Query = z.object({
  window: oneOf(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]).default('5m'),
  history: queryBoolean.default(false),
})

export default defineEventHandler((event) => {
  const { window, history } = parseQuery(event, Query)
  return { window, routes: routeStats(window), slow: slowRequests(), ...(history ? { history: requestHistory() } : {}) }
})

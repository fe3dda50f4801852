import { requestHistory, routeStats, slowRequests } from '../../../services/monitoring/requests.ts'
import { RoutesQuery } from '../../../services/monitoring/schemas.ts'

export default defineEventHandler((event) => {
  const { window, history } = parseQuery(event, RoutesQuery)
  return { window, routes: routeStats(window), slow: slowRequests(), ...(history ? { history: requestHistory() } : {}) }
})

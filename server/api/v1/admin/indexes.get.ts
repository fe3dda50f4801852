import { indexReport } from '../../../services/monitoring/reports.ts'
import { IndexesQuery } from '../../../services/monitoring/schemas.ts'

export default defineEventHandler((event) => {
  const { refresh } = parseQuery(event, IndexesQuery)
  return indexReport({ refresh })
})

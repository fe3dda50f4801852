import { z } from 'zod'
import { queryBoolean } from '../../../services/schemas.ts'
import { indexReport } from '../../../services/monitoring/reports.ts'

const Query = z.object({ refresh: queryBoolean.default(false) })

export default defineEventHandler((event) => {
  const { refresh } = parseQuery(event, Query)
  return indexReport({ refresh })
})

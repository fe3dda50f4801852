import { queriesReport } from '../../../services/monitoring/reports.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return queriesReport()
})

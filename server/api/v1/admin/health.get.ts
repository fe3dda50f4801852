import { healthReport } from '../../../services/monitoring/health.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return healthReport()
})

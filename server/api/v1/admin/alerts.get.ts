import { alerts } from '../../../services/monitoring/alerts.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return alerts().report()
})

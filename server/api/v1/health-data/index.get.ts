import { listHealthData } from '../../../services/health/read.ts'
import { HealthDataQuery } from '../../../services/health/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, HealthDataQuery)
  const result = withCursor(() => listHealthData(query))
  if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No person with that personId' })
  auditRead(event, 'read.health-data', query.personId)
  return result
})

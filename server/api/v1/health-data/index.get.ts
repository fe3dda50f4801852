import { listHealthData } from '../../../services/health/read.ts'
import { HealthDataQuery } from '../../../services/health/schemas.ts'
import { found } from '../../../services/errors.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, HealthDataQuery)
  const result = found(await listHealthData(query), 'No person with that personId')
  auditRead(event, 'read.health-data', query.personId)
  return result
})

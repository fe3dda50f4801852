import { BATCH_FORMATS } from '../../../services/health/batch.ts'
import { MAX_POINTS_BYTES, validatePoints, writePoints } from '../../../services/health/ingest-points.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_POINTS_BYTES)
  const points = validatePoints(body, format)
  const { changedPersonIds, ...result } = await writeTransaction(() => writePoints(points,
    auditAs(event, 'health.ingest', ({ changedPersonIds: _, ...counts }) => ({ target: null, detail: counts }))))
  await healthChanged('health', changedPersonIds)
  return result
})

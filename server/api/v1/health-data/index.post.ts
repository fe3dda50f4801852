import { BATCH_FORMATS } from '../../../services/health/batch.ts'
import { ingestPoints, MAX_POINTS_BYTES } from '../../../services/health/ingest-points.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_POINTS_BYTES)
  const { changedPersonIds, ...result } = ingestPoints(body, format,
    auditAs(event, 'health.ingest', ({ changedPersonIds: _, ...counts }) => ({ target: null, detail: counts })))
  await healthChanged('health', changedPersonIds)
  return result
})

import { BATCH_FORMATS } from '../../../services/health/batch.ts'
import { ingestIntakes, MAX_INTAKES_BYTES } from '../../../services/health/ingest-intakes.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_INTAKES_BYTES)
  const { changedPersonIds, ...result } = ingestIntakes(body, format,
    auditAs(event, 'intakes.ingest', ({ changedPersonIds: _, ...counts }) => ({ target: null, detail: counts })))
  await healthChanged('intakes', changedPersonIds)
  return result
})

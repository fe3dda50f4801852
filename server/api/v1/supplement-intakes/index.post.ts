import { BATCH_FORMATS } from '../../../services/health/batch.ts'
import { MAX_INTAKES_BYTES, validateIntakes, writeIntakes } from '../../../services/health/ingest-intakes.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_INTAKES_BYTES)
  const intakes = validateIntakes(body, format)
  const { changedPersonIds, ...result } = await writeTransaction(() => writeIntakes(intakes,
    auditAs(event, 'intakes.ingest', ({ changedPersonIds: _, ...counts }) => ({ target: null, detail: counts }))))
  await healthChanged('intakes', changedPersonIds)
  return result
})

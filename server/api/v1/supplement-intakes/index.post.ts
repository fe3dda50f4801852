import { BATCH_FORMATS, IngestRejected, IngestTooLarge } from '../../../services/health/batch.ts'
import { ingestIntakes, MAX_INTAKES_BYTES } from '../../../services/health/ingest-intakes.ts'

export default defineEventHandler(async (event) => {
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_INTAKES_BYTES)
  try {
    const { changedPersonIds, ...result } = ingestIntakes(body, format)
    await healthChanged('intakes', changedPersonIds)
    audit(event, 'intakes.ingest', null, { ...result })
    return result
  }
  catch (error) {
    if (error instanceof IngestRejected) throw invalidInput(error.issues, error.message)
    if (error instanceof IngestTooLarge) throw createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: error.message })
    throw error
  }
})

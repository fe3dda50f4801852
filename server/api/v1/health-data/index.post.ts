import { BATCH_FORMATS, IngestRejected, IngestTooLarge } from '../../../services/health/batch.ts'
import { ingestPoints, MAX_POINTS_BYTES } from '../../../services/health/ingest-points.ts'

export default defineEventHandler(async (event) => {
  const format = requireMediaType(event, BATCH_FORMATS)
  const body = await readLimitedText(event, MAX_POINTS_BYTES)
  try {
    const { changedPersonIds, ...result } = ingestPoints(body, format)
    await healthChanged('health', changedPersonIds)
    audit(event, 'health.ingest', null, { ...result })
    return result
  }
  catch (error) {
    if (error instanceof IngestRejected) throw invalidInput(error.issues, error.message)
    if (error instanceof IngestTooLarge) throw createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: error.message })
    throw error
  }
})

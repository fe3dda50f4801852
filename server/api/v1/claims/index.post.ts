import { INGEST_FORMATS, IngestRejected, IngestTooLarge, ingestClaims, MAX_INGEST_BYTES } from '../../../services/claims/ingest.ts'

export default defineEventHandler(async (event) => {
  const format = requireMediaType(event, INGEST_FORMATS)
  const body = await readLimitedText(event, MAX_INGEST_BYTES)
  try {
    const result = ingestClaims(body, format)
    audit(event, 'claims.ingest', null, { ...result })
    if (result.inserted + result.updated > 0) await claimsChanged()
    return result
  }
  catch (error) {
    if (error instanceof IngestRejected) throw invalidInput(error.issues, error.message)
    if (error instanceof IngestTooLarge) throw createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: error.message })
    throw error
  }
})

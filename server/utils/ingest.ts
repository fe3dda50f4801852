import { IngestRejected, IngestTooLarge } from '../services/batch.ts'

/** Runs a batch ingest; a rejected batch becomes a 400 naming every bad row, too many rows a 413. */
export function withIngestErrors<T>(ingest: () => T): T {
  try {
    return ingest()
  }
  catch (error) {
    if (error instanceof IngestRejected) throw invalidInput(error.issues, error.message)
    if (error instanceof IngestTooLarge) throw createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: error.message })
    throw error
  }
}

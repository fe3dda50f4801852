import { INGEST_FORMATS, MAX_INGEST_BYTES, parseBatch, validateBatch, writeBatch } from '../../../services/claims/ingest.ts'
import { writeTransaction } from '../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, INGEST_FORMATS)
  const body = await readLimitedText(event, MAX_INGEST_BYTES)
  // Parsed and validated before the write lock is asked for; the lock is waited for on timers.
  const claims = validateBatch(parseBatch(body, format))
  const result = await writeTransaction(() => writeBatch(claims, auditAs(event, 'claims.ingest', r => ({ target: null, detail: { ...r } }))))
  if (result.inserted + result.updated > 0) await claimsChanged()
  return result
})

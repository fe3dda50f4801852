import { INGEST_FORMATS, ingestClaims, MAX_INGEST_BYTES } from '../../../services/claims/ingest.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const format = requireMediaType(event, INGEST_FORMATS)
  const body = await readLimitedText(event, MAX_INGEST_BYTES)
  const result = ingestClaims(body, format, auditAs(event, 'claims.ingest', r => ({ target: null, detail: { ...r } })))
  if (result.inserted + result.updated > 0) await claimsChanged()
  return result
})

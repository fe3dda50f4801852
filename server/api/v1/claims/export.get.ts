import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { utcDay } from '../../../services/days.ts'
import { EXPORT_TYPES, exportAuditDetail, exportClaims } from '../../../services/claims/export.ts'
import { ExportClaimsQuery } from '../../../services/claims/schemas.ts'
import { compressStream, MIN_COMPRESS_BYTES, negotiateCoding } from '../../../services/http/compression.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, ExportClaimsQuery)
  const head = event.method === 'HEAD'
  // The first chunk (the CSV header with the first page) is read before anything is sent, so a
  // failure there (a busy database) is still an ordinary error answer, and records no export.
  // HEAD reads no claim.
  const chunks = exportClaims(query)
  const first = head ? undefined : await chunks.next()
  const type = EXPORT_TYPES[query.format]
  setResponseHeaders(event, {
    'Content-Type': type.contentType,
    'Content-Disposition': `attachment; filename="claims-${utcDay()}.${type.extension}"`,
    // Patient data: no browser or proxy keeps a copy.
    'Cache-Control': 'no-store',
    'Vary': 'Accept-Encoding',
  })
  if (!first) return event.node.res.end()
  auditRead(event, 'read.claims-export', null, exportAuditDetail(query))
  // Written here, so the compression plugin never sees it: compressed as it streams when the
  // client accepts it, by the same rule (1 KB or more; a first page under that is the only one).
  const coding = !first.done && Buffer.byteLength(first.value) >= MIN_COMPRESS_BYTES ? negotiateCoding(event.node.req.headers['accept-encoding']) : undefined
  if (coding) setResponseHeader(event, 'Content-Encoding', coding)
  event._handled = true
  try {
    // pipeline destroys the stream when the client goes away, which ends the generator between
    // pages: no further page is read.
    const source = Readable.from(prepend(first, chunks))
    await (coding ? pipeline(source, compressStream(coding), event.node.res) : pipeline(source, event.node.res))
  }
  catch (error) {
    // A client that disconnects mid-stream is not an error of the portal's.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error('claims export failed mid-stream', error)
  }
})

async function* prepend(first: IteratorResult<string>, rest: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first.done) return
  yield first.value
  yield* rest
}

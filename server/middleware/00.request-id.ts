// Request id: every /api response carries X-Request-Id; a well-formed incoming one is kept so a caller can follow its request.
import { randomUUID } from 'node:crypto'

const VALID_ID = /^[\w.-]{8,128}$/

export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/')) return
  // Node's own header (duplicates joined with ", ", which VALID_ID refuses); h3's getRequestHeader would copy them all first.
  const incoming = event.node.req.headers['x-request-id']
  const id = typeof incoming === 'string' && VALID_ID.test(incoming) ? incoming : randomUUID()
  event.context.requestId = id
  setResponseHeader(event, 'X-Request-Id', id)
})

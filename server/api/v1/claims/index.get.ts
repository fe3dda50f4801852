import { countClaims } from '../../../services/claims/count.ts'
import { listClaims } from '../../../services/claims/list.ts'
import { ListClaimsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, ListClaimsQuery)
  const result = await cachedResult(event, 'claims:list', query, async () => {
    const page = await listClaims(query)
    if (query.count) page.page.total = await countClaims(query)
    return page
  }, { metaOf: page => page.page.nextCursor ?? undefined })
  // From beside the cached body: a HIT sends its stored bytes without parsing them.
  const nextCursor = result.meta
  if (nextCursor) {
    const next = getRequestURL(event)
    next.searchParams.set('cursor', nextCursor)
    setResponseHeader(event, 'Link', `<${next.pathname}${next.search}>; rel="next"`)
  }
  return sendCached(event, 'claims:list', result)
})

import { countClaims } from '../../../services/claims/count.ts'
import { listClaims } from '../../../services/claims/list.ts'
import { ListClaimsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler(async (event) => {
  const query = parseQuery(event, ListClaimsQuery)
  const result = withCursor(() => listClaims(query))
  if (query.count) result.page.total = await countClaims(query)
  if (result.page.nextCursor) {
    const next = getRequestURL(event)
    next.searchParams.set('cursor', result.page.nextCursor)
    setResponseHeader(event, 'Link', `<${next.pathname}${next.search}>; rel="next"`)
  }
  return result
})

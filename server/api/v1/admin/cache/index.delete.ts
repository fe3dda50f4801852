import { invalidate, NAMESPACE_NAMES } from '../../../../services/cache/index.ts'
import { InvalidateCacheQuery } from '../../../../services/cache/schemas.ts'

export default defineEventHandler(async (event) => {
  const { namespace } = parseQuery(event, InvalidateCacheQuery)
  const namespaces = namespace ? [namespace] : NAMESPACE_NAMES
  await auditNow(event, 'cache.invalidate', null, { namespaces })
  await invalidate(namespaces)
  return { invalidated: namespaces }
})

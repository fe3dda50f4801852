import { z } from 'zod'
import { invalidate, NAMESPACE_NAMES, type Namespace } from '../../../../services/cache/index.ts'
import { oneOf } from '../../../../services/schemas.ts'

const Query = z.object({ namespace: oneOf(NAMESPACE_NAMES as [Namespace, ...Namespace[]]).optional() })

export default defineEventHandler(async (event) => {
  const { namespace } = parseQuery(event, Query)
  const namespaces = namespace ? [namespace] : NAMESPACE_NAMES
  auditNow(event, 'cache.invalidate', null, { namespaces })
  await invalidate(namespaces)
  return { invalidated: namespaces }
})

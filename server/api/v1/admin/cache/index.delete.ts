import { z } from 'zod'
import { invalidate, NAMESPACE_NAMES, type Namespace } from '../../../../services/cache/index.ts'

const Query = z.object({ namespace: z.enum(NAMESPACE_NAMES as [Namespace, ...Namespace[]]).optional() })

export default defineEventHandler(async (event) => {
  const { namespace } = parseQuery(event, Query)
  const namespaces = namespace ? [namespace] : NAMESPACE_NAMES
  await invalidate(namespaces)
  audit(event, 'cache.invalidate', null, { namespaces })
  return { invalidated: namespaces }
})

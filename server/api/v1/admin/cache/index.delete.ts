import { z } from 'zod'
import { invalidate, NAMESPACE_NAMES } from '../../../../services/cache/index.ts'

const Query = z.object({ namespace: z.enum(NAMESPACE_NAMES as [string, ...string[]]).optional() })

export default defineEventHandler(async (event) => {
  const { namespace } = parseQuery(event, Query)
  const namespaces = namespace ? [namespace as (typeof NAMESPACE_NAMES)[number]] : NAMESPACE_NAMES
  await invalidate(namespaces)
  audit(event, 'cache.invalidate', null, { namespaces })
  return { invalidated: namespaces }
})

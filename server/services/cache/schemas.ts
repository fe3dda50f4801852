// DELETE /api/v1/admin/cache's input: shared by the route and the OpenAPI document.
import { z } from 'zod'
import { NAMESPACE_NAMES, type Namespace } from './namespaces.ts'

export const InvalidateCacheQuery = z.object({ namespace: z.enum(NAMESPACE_NAMES as [Namespace, ...Namespace[]]).optional() })

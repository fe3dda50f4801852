// DELETE /api/v1/admin/cache's input: shared by the route and the OpenAPI document.
import { z } from 'zod'
import { oneOf } from '../schemas.ts'
import { NAMESPACE_NAMES, type Namespace } from './namespaces.ts'

export const InvalidateCacheQuery = z.object({ namespace: oneOf(NAMESPACE_NAMES as [Namespace, ...Namespace[]]).optional() })

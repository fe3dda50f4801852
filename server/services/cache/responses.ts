// What the cache administration routes answer, as zod schemas (see claims/responses.ts).
import { z } from 'zod'
import { NAMESPACE_NAMES, type Namespace } from './namespaces.ts'

const count = z.number().int().min(0)
const namespace = z.enum(NAMESPACE_NAMES as [Namespace, ...Namespace[]])
const Counters = { hits: count, misses: count, staleHits: count, sets: count, invalidations: count }

export const CacheStats = z.object({
  driver: z.enum(['lru-cache', 'redis']),
  keys: count,
  ...Counters,
  hitRate: z.number().min(0).max(1),
  byNamespace: z.array(z.object({ namespace: z.string(), ...Counters, errors: count, hitRate: z.number().min(0).max(1), keys: count })),
  redis: z.object({ connected: z.boolean(), errors: count, pendingInvalidations: count }).optional(),
}).meta({ id: 'CacheStats' })

export const CacheInvalidated = z.object({ invalidated: z.array(namespace) })

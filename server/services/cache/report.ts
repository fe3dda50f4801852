// GET /api/v1/admin/cache/stats: counters per namespace plus how many live entries each holds
// (a key scan: fine for an admin page, never on a request path).
import { cacheDriver, liveKeys, redisStatus } from './index.ts'
import { NAMESPACE_NAMES } from './namespaces.ts'
import { allCounters, countersOf, hitRate, totalCounters, type NamespaceCounters } from './stats.ts'

export interface NamespaceStats extends NamespaceCounters {
  namespace: string
  hitRate: number
  keys: number
}

export interface CacheStats {
  driver: 'lru-cache' | 'redis'
  keys: number
  hits: number
  misses: number
  staleHits: number
  sets: number
  invalidations: number
  hitRate: number
  byNamespace: NamespaceStats[]
  redis?: { connected: boolean, errors: number, pendingInvalidations: number }
}

export async function cacheStats(): Promise<CacheStats> {
  const names = [...new Set([...NAMESPACE_NAMES, ...allCounters().keys()])]
  const byNamespace: NamespaceStats[] = []
  for (const namespace of names) {
    const c = countersOf(namespace)
    const keys = await liveKeys(namespace)
    byNamespace.push({ namespace, ...c, hitRate: hitRate(c), keys })
  }
  const redis = redisStatus()
  const { hits, misses, staleHits, sets, invalidations } = totalCounters()
  return {
    driver: cacheDriver(),
    keys: byNamespace.reduce((n, s) => n + s.keys, 0),
    hits,
    misses,
    staleHits,
    sets,
    invalidations,
    hitRate: hitRate({ hits, misses, staleHits }),
    byNamespace,
    ...(redis ? { redis } : {}),
  }
}

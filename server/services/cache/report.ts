// GET /api/v1/admin/cache/stats: counters per namespace plus how many live entries each holds
// (a key scan: fine for an admin page, never on a request path).
import { cacheDriver, liveKeys, redisStatus } from './index.ts'
import { NAMESPACE_NAMES } from './namespaces.ts'
import { allCounters, countersOf, hitRate, type NamespaceCounters } from './stats.ts'

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
  const sum = (field: 'hits' | 'misses' | 'staleHits' | 'sets' | 'invalidations' | 'keys') => byNamespace.reduce((n, s) => n + s[field], 0)
  const totals = { hits: sum('hits'), misses: sum('misses'), staleHits: sum('staleHits') }
  return {
    driver: cacheDriver(),
    keys: sum('keys'),
    ...totals,
    sets: sum('sets'),
    invalidations: sum('invalidations'),
    hitRate: hitRate(totals),
    byNamespace,
    ...(redis ? { redis } : {}),
  }
}

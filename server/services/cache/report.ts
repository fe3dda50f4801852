// GET /api/v1/admin/cache/stats: counters per namespace plus how many live entries each holds
// (a key scan: fine for an admin page, never on a request path).
import { cacheDriver, cacheInternals } from './index.ts'
import { CACHE_VERSION, NAMESPACE_NAMES } from './namespaces.ts'
import { allCounters, hitRate } from './stats.ts'

export interface NamespaceStats {
  namespace: string
  hits: number
  misses: number
  staleHits: number
  sets: number
  invalidations: number
  errors: number
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
  const { state, layerFor } = cacheInternals()
  const names = [...new Set([...NAMESPACE_NAMES, ...allCounters().keys()])]
  const byNamespace: NamespaceStats[] = []
  for (const namespace of names) {
    const c = allCounters().get(namespace) ?? { hits: 0, misses: 0, staleHits: 0, sets: 0, invalidations: 0, errors: 0 }
    const layer = await layerFor(namespace)
    const base = `${namespace}:v${CACHE_VERSION}:g${layer.generation}`
    let keys = 0
    try {
      keys = (await (layer.remote ? state.redis!.call(s => s.getKeys(base)) : layer.storage.getKeys(base))).length
    }
    catch {
      keys = 0
    }
    byNamespace.push({ namespace, ...c, hitRate: hitRate(c), keys })
  }
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
    ...(state.redis ? { redis: { connected: state.redis.connected(), errors: state.redis.errors, pendingInvalidations: state.pending.size } } : {}),
  }
}

// What the cache scenarios make of their answers: X-Cache counts and latencies per endpoint and
// per status (from the load generator's responses), and the hit rate the server itself counted
// (the difference of two GET /api/v1/admin/cache/stats). Pure, so both are unit-tested.
import type { CacheDetail, CacheTally } from './load.ts'
import { pathKind } from './replay.ts'
import { summarize } from './stats.ts'

/** An answer without X-Cache (a route that is not cached) counts as `none`. */
export const NO_CACHE_HEADER = 'none'

function count(statuses: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1
  return out
}

function tally(statuses: readonly string[], latencies: readonly number[]): CacheTally {
  return { statuses: count(statuses), latency: summarize(latencies) }
}

/** Responses in the order they arrived: their path, X-Cache value and latency (ms). */
export function tallyCache(paths: readonly string[], statuses: readonly string[], latencies: readonly number[]): CacheDetail {
  const groups = new Map<string, { statuses: string[], latencies: number[] }>()
  const byStatus = new Map<string, number[]>()
  paths.forEach((path, i) => {
    const kind = pathKind(path)
    let g = groups.get(kind)
    if (!g) groups.set(kind, g = { statuses: [], latencies: [] })
    g.statuses.push(statuses[i]!)
    g.latencies.push(latencies[i]!)
    let l = byStatus.get(statuses[i]!)
    if (!l) byStatus.set(statuses[i]!, l = [])
    l.push(latencies[i]!)
  })
  return {
    all: tally(statuses, latencies),
    byKind: Object.fromEntries([...groups].map(([kind, g]) => [kind, tally(g.statuses, g.latencies)])),
    byStatus: Object.fromEntries([...byStatus].map(([status, ms]) => [status, summarize(ms)])),
    secondHalf: count(statuses.slice(Math.floor(statuses.length / 2))),
  }
}

/** Share of answers served from the cache, fresh (HIT) or stale (STALE), among those that said. */
export function hitRateOf(statuses: Record<string, number>): number {
  const hits = (statuses.HIT ?? 0) + (statuses.STALE ?? 0)
  const lookups = hits + (statuses.MISS ?? 0)
  return lookups === 0 ? Number.NaN : hits / lookups
}

/** The fields of GET /api/v1/admin/cache/stats that a hit rate needs. */
export interface CacheCounts {
  hits: number
  misses: number
  staleHits: number
  byNamespace: { namespace: string, hits: number, misses: number, staleHits: number }[]
}

export interface CountsDelta {
  hits: number
  misses: number
  staleHits: number
  hitRate: number
  byNamespace: Record<string, { hits: number, misses: number, staleHits: number, hitRate: number }>
}

/** What the server counted between two readings of its cache statistics. */
export function countsDelta(before: CacheCounts, after: CacheCounts): CountsDelta {
  const rate = (d: { hits: number, misses: number, staleHits: number }) => hitRateOf({ HIT: d.hits, STALE: d.staleHits, MISS: d.misses })
  const old = new Map(before.byNamespace.map(n => [n.namespace, n]))
  const byNamespace: CountsDelta['byNamespace'] = {}
  for (const n of after.byNamespace) {
    const o = old.get(n.namespace) ?? { hits: 0, misses: 0, staleHits: 0 }
    const d = { hits: n.hits - o.hits, misses: n.misses - o.misses, staleHits: n.staleHits - o.staleHits }
    if (d.hits + d.misses + d.staleHits > 0) byNamespace[n.namespace] = { ...d, hitRate: rate(d) }
  }
  const total = { hits: after.hits - before.hits, misses: after.misses - before.misses, staleHits: after.staleHits - before.staleHits }
  return { ...total, hitRate: rate(total), byNamespace }
}

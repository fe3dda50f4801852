// Cache counters per namespace. Plain numbers: incrementing them is the whole cost on the hot path.

export interface NamespaceCounters {
  hits: number
  misses: number
  staleHits: number
  sets: number
  invalidations: number
  /** Computations that threw: never cached, counted so a failing namespace shows. */
  errors: number
}

const counters = new Map<string, NamespaceCounters>()

export function countersOf(namespace: string): NamespaceCounters {
  let c = counters.get(namespace)
  if (!c) counters.set(namespace, c = { hits: 0, misses: 0, staleHits: 0, sets: 0, invalidations: 0, errors: 0 })
  return c
}

export function allCounters(): Map<string, NamespaceCounters> {
  return counters
}

/** Share of lookups answered from the cache (fresh or stale); 0 before any lookup. */
export function hitRate(c: { hits: number, misses: number, staleHits: number }): number {
  const lookups = c.hits + c.staleHits + c.misses
  return lookups === 0 ? 0 : (c.hits + c.staleHits) / lookups
}

export function resetCounters(): void {
  counters.clear()
}

/** Lookups and answers summed over every namespace. */
export function totalCounters(): NamespaceCounters {
  const total: NamespaceCounters = { hits: 0, misses: 0, staleHits: 0, sets: 0, invalidations: 0, errors: 0 }
  for (const c of counters.values()) {
    for (const field of Object.keys(total) as (keyof NamespaceCounters)[]) total[field] += c[field]
  }
  return total
}

// What the portal caches, and for how long. Every namespace is invalidated whole when the data
// behind it changes (ingest, PATCH), so the TTL only bounds how stale an entry can get from writes
// that bypass the API (the seed CLI, a process without the shared Redis). Reasons per namespace
// are in PERFORMANCE_TUNING.md ("Cache").

export interface NamespacePolicy {
  /** Seconds an entry is served as HIT. */
  ttl: number
  /** Seconds after the TTL during which it is still served (STALE) while one refresh runs. */
  stale: number
}

/** Bumped when the shape of a cached body changes, so old entries are never read by new code. */
export const CACHE_VERSION = 2

const SECOND = 1
const MINUTE = 60 * SECOND

export const CLAIMS_LIST_TTL = 30 * SECOND
export const CLAIMS_ITEM_TTL = 60 * SECOND
export const CLAIMS_METRICS_TTL = 5 * MINUTE
export const DENIAL_PATTERNS_TTL = 5 * MINUTE
export const PROVIDERS_LIST_TTL = 10 * MINUTE
export const PROVIDERS_ITEM_TTL = 5 * MINUTE
export const CORRELATIONS_TTL = 10 * MINUTE
export const HEALTH_SUMMARY_TTL = 5 * MINUTE

export const NAMESPACES = {
  'claims:list': { ttl: CLAIMS_LIST_TTL, stale: 2 * MINUTE },
  'claims:item': { ttl: CLAIMS_ITEM_TTL, stale: 5 * MINUTE },
  'claims:metrics': { ttl: CLAIMS_METRICS_TTL, stale: 30 * MINUTE },
  'claims:denial-patterns': { ttl: DENIAL_PATTERNS_TTL, stale: 30 * MINUTE },
  'providers:list': { ttl: PROVIDERS_LIST_TTL, stale: 60 * MINUTE },
  'providers:item': { ttl: PROVIDERS_ITEM_TTL, stale: 30 * MINUTE },
  'correlations': { ttl: CORRELATIONS_TTL, stale: 60 * MINUTE },
  'health:summary': { ttl: HEALTH_SUMMARY_TTL, stale: 30 * MINUTE },
} as const satisfies Record<string, NamespacePolicy>

export type Namespace = keyof typeof NAMESPACES
export const NAMESPACE_NAMES = Object.keys(NAMESPACES) as Namespace[]

/** Everything that reads claims or the claims rollup (provider totals come from it too). */
export const CLAIMS_DATA: Namespace[] = ['claims:list', 'claims:item', 'claims:metrics', 'claims:denial-patterns', 'providers:item']

/**
 * What a committed change to people's data makes stale. New points move summaries and the pairs
 * behind a correlation (GET /correlations/:id reports them `stale`); new intakes move only the
 * latter; a finished recompute replaces correlations and insights.
 */
export const HEALTH_DATA: Record<'health' | 'intakes' | 'correlations', Namespace[]> = {
  health: ['health:summary', 'correlations'],
  intakes: ['correlations'],
  correlations: ['correlations'],
}

/**
 * Answers that name no patient (no patientRef, no personId): sums over claims, and providers. A
 * browser may keep these (and revalidate); every other answer is sent `no-store`.
 */
export const AGGREGATE_ONLY: readonly Namespace[] = ['claims:metrics', 'claims:denial-patterns', 'providers:list', 'providers:item']

export function isNamespace(name: string): name is Namespace {
  return Object.hasOwn(NAMESPACES, name)
}

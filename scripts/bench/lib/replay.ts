// The cache replay's trace: a catalogue of distinct cacheable claims GETs (list pages with their
// filters, metrics over dashboard ranges, claims by id, denial patterns), asked with a Zipf skew,
// so the head of the catalogue is asked thousands of times and the tail once or never. Half the
// requests list their query parameters in another order, as different clients build URLs
// differently: one question must still be one cache entry. Deterministic for a seed.
import { Random } from '../../../server/services/seed/random.ts'
import { byIdPath, denialPatternsPath, GROUP_BYS, listPath, metricsPath, type MixFacts } from './mix.ts'
import { zipfSampler } from './zipf.ts'

export interface ReplaySpec {
  /** Distinct requests in the catalogue. */
  catalogue: number
  /** Zipf exponent: 1 is the classic web skew. */
  exponent: number
  seed: number
}

export const REPLAY_KINDS = ['list', 'metrics', 'byId', 'denialPatterns'] as const
export type ReplayKind = (typeof REPLAY_KINDS)[number]

/** How the catalogue divides between the endpoints: dashboards mostly list and chart. */
const KIND_WEIGHTS: readonly (readonly [ReplayKind, number])[] = [['list', 40], ['metrics', 35], ['byId', 15], ['denialPatterns', 10]]

function pickKind(random: Random): ReplayKind {
  let x = random.next() * 100
  for (const [kind, w] of KIND_WEIGHTS) {
    if ((x -= w) < 0) return kind
  }
  return 'list'
}

/** `size` distinct request paths, kinds mixed along the ranks (rank 0 is the most asked). */
export function replayCatalogue(facts: MixFacts, size: number, seed: number): string[] {
  const random = new Random(seed)
  const seen = new Set<string>()
  const out: string[] = []
  for (let tries = 0; out.length < size; tries++) {
    if (tries > size * 20) throw new Error(`Could not draw ${size} distinct requests from the data`)
    const kind = pickKind(random)
    const path = kind === 'list'
      ? listPath(random, facts)
      : kind === 'metrics'
        ? metricsPath(random, facts, random.pick(GROUP_BYS))
        : kind === 'byId' ? byIdPath(random, facts) : denialPatternsPath(random, facts)
    const key = canonicalPath(path)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(path)
  }
  return out
}

/** Which endpoint a claims path asks. */
export function pathKind(path: string): ReplayKind | 'other' {
  const pathname = path.split('?')[0]!
  if (pathname === '/api/v1/claims') return 'list'
  if (pathname === '/api/v1/claims/metrics') return 'metrics'
  if (pathname === '/api/v1/claims/denial-patterns') return 'denialPatterns'
  if (/^\/api\/v1\/claims\/\d+$/.test(pathname)) return 'byId'
  return 'other'
}

/** One spelling per question: parameters sorted by name (repeated names keep their order). */
export function canonicalPath(path: string): string {
  const [pathname, query = ''] = path.split('?') as [string, string?]
  const pairs = [...new URLSearchParams(query)]
  if (!pairs.length) return pathname
  const sorted = pairs.map((p, i) => [p, i] as const).sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([p]) => p)
  return `${pathname}?${new URLSearchParams(sorted)}`
}

/** The same question with its parameter names in a random order (repeated names stay together, in order). */
export function shuffleParams(path: string, random: Random): string {
  const [pathname, query] = path.split('?') as [string, string?]
  if (!query) return path
  const pairs = [...new URLSearchParams(query)]
  const names = [...new Set(pairs.map(([name]) => name))]
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[names[i], names[j]] = [names[j]!, names[i]!]
  }
  return `${pathname}?${new URLSearchParams(names.flatMap(name => pairs.filter(([n]) => n === name)))}`
}

/** The endless trace: Zipf ranks into the catalogue, half of them with their parameters reordered. */
export function replayStream(facts: MixFacts, spec: ReplaySpec): () => string {
  const catalogue = replayCatalogue(facts, spec.catalogue, spec.seed)
  const rank = zipfSampler(catalogue.length, spec.exponent, spec.seed + 1)
  const random = new Random(spec.seed + 2)
  return () => {
    const path = catalogue[rank()]!
    return random.chance(0.5) ? shuffleParams(path, random) : path
  }
}

/**
 * The best hit rate any cache could reach on the first `requests` of a trace: every repeat of a
 * question a hit, every first ask a miss (nothing expires, nothing is evicted).
 */
export function idealHitRate(paths: readonly string[]): number {
  if (!paths.length) return Number.NaN
  return 1 - new Set(paths.map(canonicalPath)).size / paths.length
}

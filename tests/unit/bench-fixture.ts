// What the bench's request generators learn from the bench database (mixFacts), made up for the
// tests: a year of claims, a few providers, payers and reasons, and sampled claims whose keys make
// cursors at random depths. And the query string of a generated path as a route would parse it.
import type { MixFacts } from '../../scripts/bench/lib/mix.ts'

export function benchFacts(samples: number, idStep: number): MixFacts {
  return {
    firstDay: '2025-11-25',
    lastDay: '2026-11-24',
    maxId: 1_000_000,
    providerIds: [1, 2, 3, 60],
    payers: ['Aetna', 'Cigna', 'Medicare'],
    denialReasons: ['CO-16', 'CO-97', 'PR-1'],
    sample: Array.from({ length: samples }, (_, i) => ({
      id: 1 + i * idStep,
      dateOfService: new Date(Date.parse('2025-11-25') + (i % 365) * 86_400_000).toISOString().slice(0, 10),
      billedCents: 5000 + ((i * 7919) % 400_000),
      submittedAt: Date.parse('2025-11-27T10:00:00Z') + (i % 365) * 86_400_000,
    })),
  }
}

/** A path's query string as h3 hands it to the route: repeated keys become arrays. */
export function queryOf(path: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(path.split('?')[1])) {
    const prev = out[k]
    out[k] = prev === undefined ? v : [prev, v].flat()
  }
  return out
}

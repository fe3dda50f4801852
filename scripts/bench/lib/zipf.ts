// A seeded Zipf sampler: rank k (0-based) is drawn with probability proportional to 1 / (k + 1)^s.
// Real request streams are skewed like this (a few dashboards' questions asked again and again, a
// long tail asked once), which is what a response cache lives on. Pure: the same seed gives the
// same ranks, so a replay is the same trace on every run and every machine.
import { Random } from '../../../server/services/seed/random.ts'

/** The cumulative distribution over ranks 0..n-1 (the last entry is exactly 1). */
export function zipfCdf(n: number, exponent: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Zipf needs at least one rank, not ${n}`)
  if (!(exponent >= 0)) throw new Error(`Zipf exponent must be zero or more, not ${exponent}`)
  const cdf = new Float64Array(n)
  let sum = 0
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / (k + 1) ** exponent
  for (let k = 0; k < n; k++) cdf[k]! /= sum
  cdf[n - 1] = 1
  return cdf
}

/** The smallest rank whose cumulative probability exceeds u (u in [0, 1)): a binary search. */
export function rankOf(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid]! > u) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** An endless, deterministic stream of ranks in [0, n). */
export function zipfSampler(n: number, exponent: number, seed: number): () => number {
  const cdf = zipfCdf(n, exponent)
  const random = new Random(seed)
  return () => rankOf(cdf, random.next())
}

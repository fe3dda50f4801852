// The cache replay's Zipf sampler: the skew it promises, the same ranks for the same seed.
import { describe, expect, it } from 'vitest'
import { rankOf, zipfCdf, zipfSampler } from '../../scripts/bench/lib/zipf.ts'

function draw(next: () => number, n: number): number[] {
  return Array.from({ length: n }, next)
}

describe('bench Zipf sampler', () => {
  it('builds the cumulative distribution of 1/k^s, ending at exactly 1', () => {
    const cdf = zipfCdf(4, 1)
    const h = 1 + 1 / 2 + 1 / 3 + 1 / 4
    expect([...cdf].map(x => Number(x.toFixed(12)))).toEqual([1 / h, 1.5 / h, (1.5 + 1 / 3) / h, 1].map(x => Number(x.toFixed(12))))
    // Exponent 0 is uniform.
    expect([...zipfCdf(4, 0)]).toEqual([0.25, 0.5, 0.75, 1])
    expect(zipfCdf(1, 1)[0]).toBe(1)
  })

  it('refuses an empty range or a negative exponent', () => {
    expect(() => zipfCdf(0, 1)).toThrow('at least one rank')
    expect(() => zipfCdf(10, -1)).toThrow('zero or more')
  })

  it('maps a uniform draw to the first rank whose cumulative share exceeds it', () => {
    const cdf = new Float64Array([0.5, 0.75, 1])
    expect([0, 0.49, 0.5, 0.74, 0.75, 0.999].map(u => rankOf(cdf, u))).toEqual([0, 0, 1, 1, 2, 2])
  })

  it('repeats exactly for a seed and differs between seeds', () => {
    expect(draw(zipfSampler(1000, 1, 3), 200)).toEqual(draw(zipfSampler(1000, 1, 3), 200))
    expect(draw(zipfSampler(1000, 1, 3), 200)).not.toEqual(draw(zipfSampler(1000, 1, 4), 200))
  })

  it('draws every rank in range with Zipf frequencies: rank 1 about twice rank 2, ten times rank 10', () => {
    const n = 100
    const ranks = draw(zipfSampler(n, 1, 11), 200_000)
    expect(ranks.every(r => Number.isInteger(r) && r >= 0 && r < n)).toBe(true)
    const counts = new Array<number>(n).fill(0)
    for (const r of ranks) counts[r]!++
    const h = Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b)
    expect(counts[0]! / ranks.length).toBeCloseTo(1 / h, 2)
    expect(counts[0]! / counts[1]!).toBeGreaterThan(1.85)
    expect(counts[0]! / counts[1]!).toBeLessThan(2.15)
    expect(counts[0]! / counts[9]!).toBeGreaterThan(9)
    expect(counts[0]! / counts[9]!).toBeLessThan(11)
    // A steeper exponent concentrates more on the head.
    const steep = draw(zipfSampler(n, 2, 11), 50_000).filter(r => r === 0).length / 50_000
    expect(steep).toBeGreaterThan(0.55)
  })
})

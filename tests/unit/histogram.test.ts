import { describe, expect, it } from 'vitest'
import { bucketOf, Histogram, upperBound } from '../../server/services/histogram.ts'

describe('Histogram', () => {
  it('estimates percentiles of a uniform 1..1000 ms series within 10%', () => {
    const h = new Histogram()
    for (let ms = 1; ms <= 1000; ms++) h.record(ms)
    expect(h.count).toBe(1000)
    expect(h.quantile(0.5)).toBeGreaterThan(450)
    expect(h.quantile(0.5)).toBeLessThan(550)
    expect(h.quantile(0.95)).toBeGreaterThan(950 * 0.9)
    expect(h.quantile(0.95)).toBeLessThan(950 * 1.1)
    expect(h.quantile(1)).toBe(1000)
    expect(h.mean()).toBeCloseTo(500.5, 5)
  })

  it('never reports a percentile above the largest sample', () => {
    const h = new Histogram()
    h.record(3)
    expect(h.quantile(0.99)).toBeLessThanOrEqual(3)
    expect(h.quantile(0.99)).toBeGreaterThan(2.7)
  })

  it('is empty-safe and resets', () => {
    const h = new Histogram()
    expect(h.quantile(0.95)).toBe(0)
    expect(h.mean()).toBe(0)
    h.record(5)
    h.reset()
    expect(h.count).toBe(0)
    expect(h.quantile(0.5)).toBe(0)
  })

  it('merges two histograms into the distribution of both', () => {
    const a = new Histogram()
    const b = new Histogram()
    for (let i = 0; i < 90; i++) a.record(1)
    for (let i = 0; i < 10; i++) b.record(100)
    a.merge(b)
    expect(a.count).toBe(100)
    expect(a.max).toBe(100)
    expect(a.quantile(0.5)).toBeLessThan(1.1)
    expect(a.quantile(0.95)).toBeGreaterThan(90)
  })

  it('puts each value in the bucket whose bounds contain it', () => {
    for (const ms of [0.002, 0.5, 1, 7.3, 250, 12_000]) {
      const b = bucketOf(ms)
      expect(upperBound(b)).toBeGreaterThanOrEqual(ms * 0.999999)
      expect(upperBound(b - 1)).toBeLessThan(ms)
    }
    expect(bucketOf(0)).toBe(0)
    expect(bucketOf(1e12)).toBe(199)
  })
})

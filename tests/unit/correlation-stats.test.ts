// Each statistic against reference values for fixed series, with the source next to each value.
// R could not be run on this machine; where a value is marked "python3 cross-check" it was
// reproduced with independent python3 code (its own Pearson sums and a Numerical Recipes
// incomplete-beta t CDF), which itself reproduces the published Wikipedia p-value below.
import { describe, expect, it } from 'vitest'
import { averageRanks, bhQValues, correlationStats, fisherCi95, intakeEffect, pearson, pValue, spearman, Z_95 } from '../../server/services/correlations/stats.ts'

// Anscombe, F. J. (1973). "Graphs in Statistical Analysis". The American Statistician 27(1): 17-21,
// data set I. The paper gives the correlation as 0.816 (all four sets share it).
const ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
const ANSCOMBE_Y1 = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]

// Wikipedia, "Spearman's rank correlation coefficient", worked example: IQ against hours of TV
// per week for 10 people; rho = -29/165 = -0.175757..., p = 0.627188 "using the t-distribution".
const IQ = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
const TV = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]

describe('Pearson r', () => {
  it('matches Anscombe (1973): r = 0.816 for data set I', () => {
    expect(pearson(ANSCOMBE_X, ANSCOMBE_Y1)).toBeCloseTo(0.816, 3)
    // python3 cross-check: 0.81642051634484 (R's cor() prints 0.8164205).
    expect(pearson(ANSCOMBE_X, ANSCOMBE_Y1)).toBeCloseTo(0.81642051634484, 12)
  })

  it('is exactly ±1 for a perfect linear relation, and null (not NaN) for a constant series', () => {
    const x = Array.from({ length: 20 }, (_, i) => i)
    expect(pearson(x, x.map(v => 2 * v + 1))).toBe(1)
    expect(pearson(x, x.map(v => 10 - 3 * v))).toBe(-1)
    expect(pearson(x, x.map(() => 5))).toBeNull()
    expect(pearson(x.map(() => 0), x)).toBeNull()
  })
})

describe('Spearman rho', () => {
  it('matches the Wikipedia worked example: rho = -29/165', () => {
    expect(spearman(IQ, TV)).toBeCloseTo(-29 / 165, 12)
  })

  it('gives ties the average of their ranks', () => {
    // By hand: 1, 2 and 2, 3 take ranks 1, 2.5, 2.5, 4.
    expect([...averageRanks([1, 2, 2, 3])]).toEqual([1, 2.5, 2.5, 4])
    expect([...averageRanks([5, 5, 5])]).toEqual([2, 2, 2])
    // By hand: ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): sxy = 4.5, sxx = 4.5, syy = 5,
    // so rho = 4.5 / sqrt(22.5) = 3 / sqrt(10) = 0.9486832980505138.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(3 / Math.sqrt(10), 12)
  })

  it('is 1 for any monotone relation and null when a series is all ties', () => {
    const x = [1, 2, 3, 4, 5, 6]
    expect(spearman(x, x.map(v => v ** 3))).toBe(1)
    expect(spearman(x, [0, 0, 0, 0, 0, 0])).toBeNull()
  })
})

describe('p-value from Student t with n - 2 degrees of freedom', () => {
  it('reproduces the Wikipedia example: p = 0.627188 for rho = -29/165, n = 10', () => {
    expect(pValue(-29 / 165, 10)).toBeCloseTo(0.627188, 6)
  })

  it('matches the table of critical values of r (two-tailed, df = 10: 0.576 at .05, 0.708 at .01)', () => {
    // The table rounds r to three decimals, so p is only as close as that rounding allows.
    expect(pValue(0.576, 12)).toBeCloseTo(0.05, 3)
    expect(pValue(0.708, 12)).toBeCloseTo(0.01, 3)
  })

  it('for Anscombe I: t = 4.2415 on 9 df, p = 0.00217 (python3 cross-check: 0.0021696288730787836)', () => {
    expect(pValue(pearson(ANSCOMBE_X, ANSCOMBE_Y1)!, 11)).toBeCloseTo(0.0021696288730787836, 10)
  })

  it('is symmetric in the sign of r, 0 for a perfect correlation and 1 for r = 0', () => {
    expect(pValue(-0.4, 30)).toBe(pValue(0.4, 30))
    expect(pValue(1, 20)).toBe(0)
    expect(pValue(-1, 20)).toBe(0)
    expect(pValue(0, 20)).toBe(1)
  })

  it('keeps precision for very small p-values (2F(-|t|), not 1 - F)', () => {
    const p = pValue(0.9, 300)
    expect(p).toBeGreaterThan(0)
    expect(p).toBeLessThan(1e-50)
  })
})

describe('95% confidence interval by Fisher z', () => {
  it('uses z = 1.959963984540054 (the standard normal 0.975 quantile)', () => {
    expect(Z_95).toBeCloseTo(1.959963984540054, 12)
  })

  it('for Anscombe I: [0.4243912, 0.9506933] (python3 cross-check of tanh(atanh r ± z/sqrt(n-3)))', () => {
    const [lo, hi] = fisherCi95(pearson(ANSCOMBE_X, ANSCOMBE_Y1)!, 11)
    expect(lo).toBeCloseTo(0.42439121339321656, 10)
    expect(hi).toBeCloseTo(0.9506932537865606, 10)
  })

  it('is asymmetric around r and clamps to the point at a perfect correlation', () => {
    const [lo, hi] = fisherCi95(0.5, 50)
    // By hand: atanh(0.5) = 0.549306, ± 1.959964/sqrt(47) = 0.285890 → tanh: 0.2575, 0.6833.
    expect(lo).toBeCloseTo(0.2575, 4)
    expect(hi).toBeCloseTo(0.6833, 4)
    expect(fisherCi95(1, 30)).toEqual([1, 1])
    expect(fisherCi95(-1, 30)).toEqual([-1, -1])
  })
})

describe('Benjamini-Hochberg q-values', () => {
  // Benjamini, Y. and Hochberg, Y. (1995), JRSS B 57(1): 289-300, section 3.2: 15 p-values from a
  // trial; at q* = 0.05 the procedure rejects the four smallest.
  const BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]

  it('rejects the same four hypotheses as the 1995 paper', () => {
    const q = bhQValues(BH_1995)
    expect(q.filter(v => v < 0.05)).toHaveLength(4)
    expect(q.slice(0, 4).every(v => v < 0.05)).toBe(true)
  })

  it('equals min over j >= i of m p(j) / j (worked by hand for the 1995 data)', () => {
    const q = bhQValues(BH_1995)
    // 15·0.0001/1, 15·0.0004/2, 15·0.0019/3, 15·0.0095/4, 15·0.0201/5 (smaller than every later term)
    expect(q[0]).toBeCloseTo(0.0015, 12)
    expect(q[1]).toBeCloseTo(0.003, 12)
    expect(q[2]).toBeCloseTo(0.0095, 12)
    expect(q[3]).toBeCloseTo(0.035625, 12)
    expect(q[4]).toBeCloseTo(0.0603, 12)
    expect(q[14]).toBe(1)
  })

  it('keeps the input order and matches R p.adjust(c(0.01, 0.04, 0.03, 0.02, 0.05), "BH") = all 0.05', () => {
    // By hand: every m·p(j)/j is 0.05.
    expect(bhQValues([0.01, 0.04, 0.03, 0.02, 0.05]).map(q => Number(q.toFixed(12)))).toEqual([0.05, 0.05, 0.05, 0.05, 0.05])
    expect(bhQValues([0.5, 0.001])).toEqual([0.5, 0.002])
    expect(bhQValues([])).toEqual([])
  })
})

describe('effect and the bundle of statistics', () => {
  it('is the mean after intake days minus the mean after days without', () => {
    expect(intakeEffect([0, 400, 0, 400], [420, 450, 410, 460])).toBe(40)
    expect(intakeEffect([400, 400], [1, 2])).toBeNull()
  })

  it('gives nulls, not NaN, for a constant dose series and still counts n', () => {
    const stats = correlationStats(new Array(20).fill(400), Array.from({ length: 20 }, (_, i) => 400 + i))
    expect(stats).toEqual({ n: 20, pearsonR: null, spearmanRho: null, pValue: null, ciLow: null, ciHigh: null, effect: null })
  })

  it('gives p = 0 and a CI of [1, 1] for a perfect correlation', () => {
    const dose = Array.from({ length: 20 }, (_, i) => (i % 2) * 100)
    const stats = correlationStats(dose, dose.map(d => 400 + d / 4))
    expect(stats).toMatchObject({ n: 20, pearsonR: 1, spearmanRho: 1, pValue: 0, ciLow: 1, ciHigh: 1, effect: 25 })
  })
})

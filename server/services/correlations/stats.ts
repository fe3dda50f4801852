// The statistics behind a correlation: Pearson r, Spearman rho (average ranks for ties), a
// two-sided p-value from Student's t with n - 2 degrees of freedom, a 95% confidence interval by
// Fisher's z, and Benjamini-Hochberg q-values. Pure functions on plain arrays.
//
// The distribution functions come from stdlib (@stdlib/stats-base-dists-*): a maintained,
// tested port of Cephes/Boost algorithms with per-function test fixtures generated from
// reference implementations (Julia, R, SciPy). The Student's t CDF is the one place where a
// hand-written approximation would go wrong in the tails, which is where small p-values live.
import tCdf from '@stdlib/stats-base-dists-t-cdf'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'

/** z such that 95% of a standard normal lies within ±z (1.959963984540054). */
export const Z_95 = normalQuantile(0.975, 0, 1)

function mean(xs: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]!
  return s / xs.length
}

/** Pearson's r; null when either series is constant (r is undefined, not 0) or shorter than 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length
  if (n !== y.length) throw new Error('pearson: series of different lengths')
  if (n < 2) return null
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx
    const dy = y[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  if (sxx === 0 || syy === 0) return null
  const r = sxy / Math.sqrt(sxx * syy)
  // Rounding can push a perfect correlation a hair past ±1.
  return Math.max(-1, Math.min(1, r))
}

/** Ranks from 1, ties given the average of the ranks they span (1, 2.5, 2.5, 4). */
export function averageRanks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!)
  const ranks = new Float64Array(n)
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && xs[order[j + 1]!] === xs[order[i]!]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank
    i = j + 1
  }
  return ranks
}

/** Spearman's rho: Pearson's r of the average ranks (the definition that stays right with ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  return pearson(averageRanks(x), averageRanks(y))
}

/**
 * Two-sided p-value of r under H0: rho = 0, from t = r·√((n−2)/(1−r²)) with n − 2 degrees of
 * freedom (what R's cor.test reports for method = "pearson"). Computed as 2·F(−|t|) rather than
 * 2·(1 − F(|t|)) so that small p-values keep their precision. |r| = 1 gives 0.
 */
export function pValue(r: number, n: number): number {
  if (n < 3) throw new Error('pValue: needs n >= 3')
  if (Math.abs(r) >= 1) return 0
  const t = Math.abs(r) * Math.sqrt((n - 2) / (1 - r * r))
  return Math.min(1, 2 * tCdf(-t, n - 2))
}

/**
 * 95% confidence interval for r by Fisher's z: tanh(atanh(r) ± z₀.₉₇₅/√(n−3)). A perfect
 * correlation has atanh(±1) = ±∞; the interval is then the point itself, clamped to [−1, 1].
 */
export function fisherCi95(r: number, n: number): [number, number] {
  if (n < 4) throw new Error('fisherCi95: needs n >= 4')
  if (r >= 1) return [1, 1]
  if (r <= -1) return [-1, -1]
  const z = Math.atanh(r)
  const half = Z_95 / Math.sqrt(n - 3)
  return [Math.tanh(z - half), Math.tanh(z + half)]
}

/**
 * Benjamini-Hochberg adjusted p-values (what R's p.adjust(p, "BH") returns): sort ascending,
 * q(i) = min over j ≥ i of m·p(j)/j, capped at 1, returned in the input's order.
 */
export function bhQValues(ps: readonly number[]): number[] {
  const m = ps.length
  const order = ps.map((_, i) => i).sort((a, b) => ps[a]! - ps[b]!)
  const qs = new Array<number>(m)
  let running = 1
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k]!
    running = Math.min(running, (m * ps[i]!) / (k + 1))
    qs[i] = running
  }
  return qs
}

/** Mean of y where the dose was positive minus where it was zero; null if either group is empty. */
export function intakeEffect(dose: ArrayLike<number>, y: ArrayLike<number>): number | null {
  let on = 0
  let onN = 0
  let off = 0
  let offN = 0
  for (let i = 0; i < dose.length; i++) {
    if (dose[i]! > 0) {
      on += y[i]!
      onN++
    }
    else {
      off += y[i]!
      offN++
    }
  }
  if (onN === 0 || offN === 0) return null
  return on / onN - off / offN
}

export interface CorrelationStats {
  n: number
  pearsonR: number | null
  spearmanRho: number | null
  pValue: number | null
  ciLow: number | null
  ciHigh: number | null
  effect: number | null
}

/** Every statistic of one dose/value series (the q-value needs the whole family; see bhQValues). */
export function correlationStats(dose: ArrayLike<number>, value: ArrayLike<number>): CorrelationStats {
  const n = dose.length
  const r = pearson(dose, value)
  const ci = r === null ? null : fisherCi95(r, n)
  return {
    n,
    pearsonR: r,
    spearmanRho: spearman(dose, value),
    pValue: r === null ? null : pValue(r, n),
    ciLow: ci?.[0] ?? null,
    ciHigh: ci?.[1] ?? null,
    effect: intakeEffect(dose, value),
  }
}

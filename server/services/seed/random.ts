// A small seeded PRNG for the synthetic data: the same seed gives the same database. sfc32 is
// fast (no allocation, 32-bit integer ops) and passes PractRand far beyond what seeding needs.

export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | undefined

  constructor(seed: number) {
    this.a = 0x9E3779B9
    this.b = 0x243F6A88
    this.c = 0xB7E15162
    this.d = seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** Standard normal (Box-Muller, keeping the second value for the next call). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare
      this.spare = undefined
      return mean + sd * z
    }
    let u = 0
    while (u === 0) u = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    const theta = 2 * Math.PI * this.next()
    this.spare = r * Math.sin(theta)
    return mean + sd * r * Math.cos(theta)
  }

  /** A child generator, so that one part of the data does not shift when another changes. */
  fork(salt: number): Random {
    return new Random((Math.floor(this.next() * 4294967296) ^ Math.imul(salt, 0x85EBCA6B)) >>> 0)
  }
}

/** Picks an index by weight with a precomputed cumulative table (binary search). */
export class WeightedPicker<T> {
  private readonly cumulative: Float64Array
  private readonly total: number
  readonly items: readonly T[]

  constructor(items: readonly T[], weights: readonly number[]) {
    this.items = items
    this.cumulative = new Float64Array(weights.length)
    let sum = 0
    weights.forEach((w, i) => {
      sum += w
      this.cumulative[i] = sum
    })
    this.total = sum
  }

  pick(random: Random): T {
    const x = random.next() * this.total
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cumulative[mid]! > x) hi = mid
      else lo = mid + 1
    }
    return this.items[lo]!
  }
}

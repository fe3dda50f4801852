// Synthetic people: daily and intraday points for the metrics each person tracks (with noise, a
// weekly rhythm and runs of missing days), supplement intakes, and the planted effects of
// health-model.ts. Each person's points, intakes and daily rollup are written together.
import type { Sqlite } from '../../database/connection.ts'
import { BulkInserter } from '../query/bulk-insert.ts'
import { METRICS, SUPPLEMENTS } from '../health/catalog.ts'
import { accumulatePoint, mergeHealthRollup, type HealthAccumulator } from '../health/rollup.ts'
import type { Progress } from './calendar.ts'
import { effectFor, EVENING_SUPPLEMENTS, METRIC_MODELS, personRef, type EffectTemplate, type MetricModel } from './health-model.ts'
import { Random } from './random.ts'

/** People per transaction. */
const PEOPLE_PER_BATCH = 25

export interface HealthSeedOptions {
  people: number
  days: string[]
  /** The end instant (epoch ms): a reading or intake after it has not happened yet and is not written. */
  endMs: number
  seed: number
  onProgress?: Progress
}

export interface HealthSeedResult {
  people: number
  points: number
  intakes: number
}

interface Regimen {
  supplementId: string
  /** Chance of taking it on a given day. */
  chance: number
  dose: number
  unit: string
  hour: number
}

function regimens(random: Random, planted: EffectTemplate | undefined): Regimen[] {
  const ids = new Set<string>(planted ? [planted.supplementId] : [])
  const wanted = random.int(2, 4)
  while (ids.size < wanted) ids.add(random.pick(SUPPLEMENTS).id)
  return [...ids].map((id) => {
    const s = SUPPLEMENTS.find(x => x.id === id)!
    return { supplementId: id, chance: 0.35 + 0.3 * random.next(), dose: s.typicalDose, unit: s.defaultUnit, hour: EVENING_SUPPLEMENTS.has(id) ? 21 : 8 }
  })
}

/** Days on which a device records, with runs of missing days (a two-state Markov chain). */
function presence(random: Random, days: number, share: number): boolean[] {
  const stayMissing = 0.6
  // Stationary share of present days = p(missing→present) / (p(missing→present) + p(present→missing)).
  const leave = (1 - stayMissing) * (1 - share) / share
  let present = random.chance(share)
  return Array.from({ length: days }, () => (present = present ? !random.chance(leave) : random.chance(1 - stayMissing)))
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals
  return Math.round(value * f) / f
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}

export function seedHealth(sqlite: Sqlite, options: HealthSeedOptions): HealthSeedResult {
  const root = new Random(options.seed ^ 0x5EED)
  const dayStarts = options.days.map(d => Date.parse(`${d}T00:00:00Z`))
  // Created when the data starts, not at the wall clock of the seed (which may lie after the end).
  const insertPerson = sqlite.prepare('INSERT INTO people (ref, created_at) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET ref = excluded.ref RETURNING id')
  const result: HealthSeedResult = { people: 0, points: 0, intakes: 0 }

  for (let start = 0; start < options.people; start += PEOPLE_PER_BATCH) {
    sqlite.transaction(() => {
      const points = new BulkInserter('seed.health.insert', sqlite, 'health_data_points', ['person_id', 'metric', 'at', 'value', 'source'], 2000)
      const intakes = new BulkInserter('seed.intakes.insert', sqlite, 'supplement_intakes', ['person_id', 'supplement_id', 'taken_at', 'dose', 'unit'], 2000)
      const acc: HealthAccumulator = new Map()
      for (let index = start; index < Math.min(options.people, start + PEOPLE_PER_BATCH); index++) {
        const random = root.fork(index)
        const { id } = insertPerson.get(personRef(index), dayStarts[0]) as { id: number }
        const planted = effectFor(index)
        // Intakes first: the planted effect moves the metric on the days after them.
        const taken = new Map<string, Float64Array>()
        for (const r of regimens(random, planted)) {
          const doses = new Float64Array(options.days.length)
          dayStarts.forEach((dayMs, d) => {
            if (!random.chance(r.chance)) return
            const dose = random.chance(0.1) ? r.dose / 2 : r.dose
            const takenAt = dayMs + r.hour * 3_600_000 + random.int(-45, 45) * 60_000
            if (takenAt > options.endMs) return
            doses[d] = dose
            intakes.push(id, r.supplementId, takenAt, dose, r.unit)
          })
          taken.set(r.supplementId, doses)
        }
        // A device is tracked (or not) and worn (or not) as a whole: both blood pressures come
        // from one cuff reading, and the wearable's metrics go missing together.
        const devices = new Map<string, boolean[] | null>()
        for (const model of METRIC_MODELS) {
          if (!devices.has(model.source)) {
            const forced = planted !== undefined && METRIC_MODELS.some(m => m.source === model.source && m.metric === planted.metric)
            devices.set(model.source, forced || random.chance(model.trackedBy) ? presence(random, options.days.length, model.measuredDays) : null)
          }
          const present = devices.get(model.source)
          if (!present) continue
          writeMetric(random, model, id, dayStarts, options.endMs, present, planted?.metric === model.metric ? { ...planted, doses: taken.get(planted.supplementId)! } : undefined, points, acc)
        }
        result.people++
      }
      result.points = points.flush() + result.points
      result.intakes = intakes.flush() + result.intakes
      mergeHealthRollup(sqlite, acc)
    })()
    options.onProgress?.(result.people, options.people, result.points + result.intakes)
  }
  return result
}

function writeMetric(random: Random, model: MetricModel, personId: number, dayStarts: number[], endMs: number, present: boolean[],
  effect: (EffectTemplate & { doses: Float64Array }) | undefined, points: BulkInserter, acc: HealthAccumulator): void {
  const [mean, sd, lo, hi] = model.base
  const { min, max } = METRICS[model.metric]
  let level = clamp(random.normal(mean, sd), lo, hi)
  let ar = 0
  dayStarts.forEach((dayMs, d) => {
    if (model.drift) level += random.normal(0, model.drift)
    ar = 0.5 * ar + random.normal(0, model.dailySd * Math.sqrt(0.75))
    if (!present[d]) return
    let day = level + ar + model.weekly[new Date(dayMs).getUTCDay()]!
    if (effect && d >= effect.lagDays && effect.doses[d - effect.lagDays]! > 0) day += effect.size
    for (const [hour, offset] of model.readings) {
      const at = dayMs + hour * 3_600_000 + random.int(0, 40) * 60_000
      const value = round(clamp(day + offset + (model.readingSd ? random.normal(0, model.readingSd) : 0), min, max), model.decimals)
      // Drawn all the same, so an earlier end changes no earlier reading.
      if (at > endMs) continue
      points.push(personId, model.metric, at, value, model.source)
      accumulatePoint(acc, personId, model.metric, at, value)
    }
  })
}

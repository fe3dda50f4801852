// Deterministic synthetic data for demos, tests and benchmarks: providers and claims, people with
// health data and supplement intakes. The same options (seed and end included) always give the
// same rows, and none of them lies after the end instant. `npm run db:seed` and the server's
// demo seed both come through seedDatabase.
import type { Connection } from '../../database/connection.ts'
import { dayStart, utcDay } from '../days.ts'
import { ensureSupplementCatalogue } from '../health/supplements.ts'
import { dayList, endInstant, type Progress } from './calendar.ts'
import { seedClaims, seedProviders } from './claims.ts'
import { seedHealth } from './health.ts'

export { plantedEffects, type PlantedEffect } from './health-model.ts'

export interface SeedOptions {
  claims: number
  people: number
  days: number
  seed: number
  /** The end of the data: a day YYYY-MM-DD (all of it, UTC) or an ISO instant (default: now). */
  end?: string
  /** After each committed batch: the phase, its units done of its total, and rows written in all. */
  onProgress?: (phase: 'claims' | 'people', done: number, total: number, rows: number) => void
}

export interface SeedReport {
  providers: number
  claims: number
  people: number
  points: number
  intakes: number
  totalRows: number
  /** The last day of data (UTC). */
  end: string
  /** The end instant, ISO: no row lies after it. */
  endAt: string
  ms: number
}

/** What `npm start` writes into an empty database: a year of data in a few seconds. */
export const DEMO_SEED_OPTIONS: SeedOptions = { claims: 60_000, people: 24, days: 365, seed: 42 }

/** Tables that hold data (not credentials or the audit trail), children first, for --reset. */
const DATA_TABLES = ['insights', 'correlations', 'supplement_intakes', 'health_daily', 'health_data_points', 'people',
  'claims_daily', 'claims', 'providers', 'data_sources', 'job_runs']

export function isDatabaseEmpty(conn: Connection): boolean {
  const row = conn.sqlite.prepare(`SELECT (SELECT count(*) FROM (SELECT 1 FROM providers LIMIT 1))
    + (SELECT count(*) FROM (SELECT 1 FROM claims LIMIT 1)) + (SELECT count(*) FROM (SELECT 1 FROM people LIMIT 1)) AS n`).get() as { n: number }
  return row.n === 0
}

/** Deletes every data row (keys, users and the audit log stay). */
export function resetData(conn: Connection): void {
  conn.sqlite.transaction(() => {
    for (const table of DATA_TABLES) conn.sqlite.prepare(`DELETE FROM ${table}`).run()
  })()
}

export function seedDatabase(conn: Connection, options: SeedOptions): SeedReport {
  const started = performance.now()
  const endMs = endInstant(options.end)
  const end = utcDay(endMs)
  const days = dayList(end, options.days)
  let claimRows = 0
  const progress = (phase: 'claims' | 'people'): Progress => (done, total, rows) => {
    if (phase === 'claims') claimRows = rows
    options.onProgress?.(phase, done, total, phase === 'claims' ? rows : claimRows + rows)
  }
  const sqlite = conn.sqlite

  ensureSupplementCatalogue(sqlite)
  const providers = seedProviders(sqlite, dayStart(days[0]!))
  const claims = options.claims > 0 ? seedClaims(sqlite, providers, { claims: options.claims, days, endMs, seed: options.seed, onProgress: progress('claims') }) : 0
  const health = options.people > 0 ? seedHealth(sqlite, { people: options.people, days, endMs, seed: options.seed, onProgress: progress('people') }) : { people: 0, points: 0, intakes: 0 }
  // Fresh statistics, so the planner sees the new data at once rather than at the next open.
  sqlite.pragma('optimize')

  return {
    providers: providers.length,
    claims,
    ...health,
    totalRows: providers.length + claims + health.people + health.points + health.intakes,
    end,
    endAt: new Date(endMs).toISOString(),
    ms: performance.now() - started,
  }
}

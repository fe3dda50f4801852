// The benchmark database: a million claims, seeded once with fixed options (seed and end day
// included, so every run measures the same rows) and reused while its sidecar
// (`bench/bench.db.json`) and its claim count still match. The sidecar rather than a table in the
// database, so the schema stays the portal's own.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { Sqlite } from '../../../server/database/connection.ts'
import { closeDatabase } from '../../../server/database/client.ts'
import { Random } from '../../../server/services/seed/random.ts'
import { seedDatabase, type SeedOptions } from '../../../server/services/seed/index.ts'
import { openMigrated } from '../../lib/cli.ts'
import type { MixFacts, SampleRow } from './mix.ts'

export type BenchSeed = Required<Omit<SeedOptions, 'onProgress'>>

export const BENCH_SEED: BenchSeed = { claims: 1_000_000, people: 200, days: 365, seed: 42, end: '2026-11-24' }

interface Sidecar {
  seed: BenchSeed
  claims: number
  seededAt: string
  seedSeconds: number
}

export interface BenchDatabase {
  path: string
  seed: BenchSeed
  claims: number
  reused: boolean
  seedSeconds: number
  fileMiB: number
}

function readSidecar(path: string): Sidecar | undefined {
  try {
    return JSON.parse(readFileSync(`${path}.json`, 'utf8')) as Sidecar
  }
  catch {
    return undefined
  }
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(path + suffix, { force: true })
}

/** Opens (and migrates) the bench database, seeding it first when it is missing or stale. */
export function ensureBenchDatabase(path: string, seed: BenchSeed = BENCH_SEED): BenchDatabase {
  const sidecar = readSidecar(path)
  if (sidecar && existsSync(path) && JSON.stringify(sidecar.seed) === JSON.stringify(seed)) {
    const { conn } = openMigrated(path)
    const { n } = conn.sqlite.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }
    checkpoint(conn.sqlite)
    closeDatabase()
    if (n === sidecar.claims) {
      console.info(`[bench] reusing ${path} (${n.toLocaleString('en-US')} claims, seeded ${sidecar.seededAt})`)
      return { path, seed, claims: n, reused: true, seedSeconds: sidecar.seedSeconds, fileMiB: statSync(path).size / 1048576 }
    }
    console.info(`[bench] ${path} holds ${n} claims, not ${sidecar.claims}: seeding it again`)
  }
  removeDatabase(path)
  console.info(`[bench] seeding ${path}: ${seed.claims.toLocaleString('en-US')} claims, ${seed.people} people, ${seed.days} days up to ${seed.end} (seed ${seed.seed})`)
  const { conn } = openMigrated(path)
  let lastPrint = 0
  const report = seedDatabase(conn, {
    ...seed,
    onProgress(phase, done, total) {
      if (performance.now() - lastPrint < 1000 && done < total) return
      lastPrint = performance.now()
      process.stderr.write(`\r[bench] seeding ${phase} ${((100 * done) / total).toFixed(0)}%   `)
    },
  })
  process.stderr.write('\n')
  checkpoint(conn.sqlite)
  closeDatabase()
  const seedSeconds = report.ms / 1000
  writeFileSync(`${path}.json`, `${JSON.stringify({ seed, claims: report.claims, seededAt: new Date().toISOString(), seedSeconds } satisfies Sidecar, null, 2)}\n`)
  console.info(`[bench] seeded ${report.totalRows.toLocaleString('en-US')} rows in ${seedSeconds.toFixed(1)} s`)
  return { path, seed, claims: report.claims, reused: false, seedSeconds, fileMiB: statSync(path).size / 1048576 }
}

/** Folds the WAL into the main file, so a file copy of the database is complete. */
export function checkpoint(sqlite: Sqlite): void {
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
}

/** What the request mixes need to know about the data, and a random sample of claims for cursors. */
export function mixFacts(sqlite: Sqlite, sampleSize = 2000, seed = 7): MixFacts {
  const one = <T>(sql: string) => sqlite.prepare(sql).get() as T
  const column = <T>(sql: string) => sqlite.prepare(sql).pluck().all() as T[]
  const { firstDay, lastDay, maxId } = one<{ firstDay: string, lastDay: string, maxId: number }>(
    'SELECT min(date_of_service) AS firstDay, max(date_of_service) AS lastDay, max(id) AS maxId FROM claims')
  // Ids are dense from 1 (the seeder inserts in one go), so random ids are random claims.
  const random = new Random(seed)
  const ids = new Set<number>()
  while (ids.size < Math.min(sampleSize, maxId)) ids.add(random.int(1, maxId))
  const sample = sqlite.prepare(`SELECT id, date_of_service AS dateOfService, billed_cents AS billedCents, submitted_at AS submittedAt
    FROM claims WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify([...ids])) as SampleRow[]
  return {
    firstDay,
    lastDay,
    maxId,
    providerIds: column<number>('SELECT id FROM providers ORDER BY id'),
    payers: column<string>(`SELECT DISTINCT key FROM claims_daily WHERE dim = 'payer' ORDER BY key`),
    denialReasons: column<string>(`SELECT DISTINCT key FROM claims_daily WHERE dim = 'denial_reason' AND key <> '' ORDER BY key`),
    sample,
  }
}

// The supplement catalogue: reference data that exists in every database (not only seeded ones),
// since intakes must name a supplement from it. Written at start from SUPPLEMENTS.
import type { Sqlite } from '../../database/connection.ts'
import { defineQuery, defineStatement, measured } from '../query/index.ts'
import { SUPPLEMENTS } from './catalog.ts'

const UPSERT = `INSERT INTO supplements (id, name, default_unit, description) VALUES (?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, default_unit = excluded.default_unit, description = excluded.description
  WHERE (name, default_unit, description) IS NOT (excluded.name, excluded.default_unit, excluded.description)`

const upsertStatement = defineStatement('supplements.ensure', UPSERT)

/** Makes the supplements table hold the catalogue; returns how many rows it added or changed. */
export function ensureSupplementCatalogue(sqlite: Sqlite): number {
  const upsert = sqlite.prepare(UPSERT)
  return sqlite.transaction(() => measured(upsertStatement, sqlite,
    () => SUPPLEMENTS.reduce((n, s) => n + upsert.run(s.id, s.name, s.defaultUnit, s.description).changes, 0), n => n))()
}

export interface SupplementRow {
  id: string
  name: string
  defaultUnit: string
  description: string
}

const all = defineQuery<Record<string, never>, SupplementRow>('supplements.list',
  'SELECT id, name, default_unit AS defaultUnit, description FROM supplements ORDER BY id')

/** The catalogue: a dozen rows, so one unpaged list. */
export function listSupplements(): { data: SupplementRow[] } {
  return { data: all.all({}) }
}

// Which indexes exist right now, for statements that name theirs with INDEXED BY (the claims
// planner, metrics, denial patterns, correlations). INDEXED BY an index that is gone is an error
// ("no such index"), so an operator dropping an index the inspector calls unused would turn every
// such shape into a 500. Planners ask `hasIndex` and plan without a missing index instead: the
// query gets slower, never an error.
//
// The set of names is read from sqlite_schema and kept; it is read again when the schema
// version (bumped by every CREATE or DROP, from any connection) has changed, looked at no more
// than once a second, so a request pays a clock read. Between two looks a statement can still
// meet a dropped index: `withIndexRetry` notices the error, reads the names again and runs the
// planning once more.
import { defineQuery, type NamedQuery } from './index.ts'
import { connectionGeneration } from '../../database/client.ts'

const schemaVersion = defineQuery<Record<string, never>, { v: number }>('schema.version', 'SELECT schema_version AS v FROM pragma_schema_version()')
const indexNames = defineQuery<Record<string, never>, { name: string }>('schema.indexes', `SELECT name FROM sqlite_schema WHERE type = 'index'`)

/** How often the schema version is looked at. */
const RECHECK_MS = 1000

let names = new Set<string>()
let version = -1
let generation = -1
let checkedAt = -Infinity

function refresh(): void {
  const v = schemaVersion.get({})!.v
  if (v !== version || generation !== connectionGeneration()) {
    names = new Set(indexNames.all({}).map(r => r.name))
    version = v
    generation = connectionGeneration()
  }
  checkedAt = performance.now()
}

/** True when the index exists (as of at most a second ago, or the last failure that named it). */
export function hasIndex(name: string): boolean {
  if (performance.now() - checkedAt > RECHECK_MS || generation !== connectionGeneration()) refresh()
  return names.has(name)
}

/** The INDEXED BY clause for `index`, or nothing when it is missing (SQLite then picks its own path). */
export function indexedBy(index: string): string {
  return hasIndex(index) ? ` INDEXED BY ${index}` : ''
}

/**
 * A named statement that names `index` while it exists and, when it is missing, runs as
 * `name[unhinted]` naming none. `sqlFor` gets the INDEXED BY clause (or '') to put after the table.
 */
export function hintedQuery<P extends Record<string, unknown>, R>(name: string, index: string, sqlFor: (hint: string) => string): () => NamedQuery<P, R> {
  expectIndexes(name, [index])
  // The hinted one is defined now, so the catalogue (EXPLAIN, the index inspector) lists it.
  const hinted = defineQuery<P, R>(name, sqlFor(` INDEXED BY ${index}`))
  let unhinted: NamedQuery<P, R> | undefined
  return () => hasIndex(index) ? hinted : (unhinted ??= defineQuery<P, R>(`${name}[unhinted]`, sqlFor('')))
}

const NO_SUCH_INDEX = /no such index: (\S+)/

/** The index a statement failed on because it is gone, if that is why it failed. */
export function missingIndexOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const match = NO_SUCH_INDEX.exec((e as { message?: unknown }).message as string ?? '')
    if (match) return match[1]
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Runs a read that plans with hasIndex; if an index it named was dropped since the last look,
 * reads the index names again and plans and runs it once more (without that index).
 */
export async function withIndexRetry<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return await run()
  }
  catch (error) {
    if (!missingIndexOf(error)) throw error
    checkedAt = -Infinity
    version = -1
    return await run()
  }
}

const expected = new Map<string, Set<string>>()

/** Declares the indexes a module's statements name (INDEXED BY), for the operations layer. */
export function expectIndexes(usedBy: string, indexes: readonly string[]): void {
  for (const index of indexes) {
    let users = expected.get(index)
    if (!users) expected.set(index, users = new Set())
    users.add(usedBy)
  }
}

/** Each index statements name, with what names it. */
export function expectedIndexes(): Map<string, string[]> {
  return new Map([...expected].map(([index, users]) => [index, [...users].sort()]))
}

export interface MissingIndex {
  index: string
  /** What plans with it (and now plans without it, slower). */
  usedBy: string[]
}

/** The indexes statements name that are missing now (for the index inspector and /admin/health). */
export function missingIndexes(): MissingIndex[] {
  checkedAt = -Infinity
  return [...expected].filter(([index]) => !hasIndex(index)).map(([index, users]) => ({ index, usedBy: [...users].sort() })).sort((a, b) => a.index.localeCompare(b.index))
}

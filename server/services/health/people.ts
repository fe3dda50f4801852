// People: a person exists once data for them arrives (API.md). The API names them by the source
// system's pseudonymous id (people.ref); internally rows carry the integer people.id.
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery } from '../query/index.ts'
import { METRIC_NAMES, SUPPLEMENTS } from './catalog.ts'
import { utcDay } from '../days.ts'

export interface PersonSummary {
  personId: string
  firstDay: string | null
  lastDay: string | null
  metrics: string[]
  supplements: string[]
}

const byRef = defineQuery<{ ref: string }, { id: number }>('people.byRef', 'SELECT id FROM people WHERE ref = @ref')

const byRefs = defineQuery<{ refs: string }, { id: number, ref: string }>('people.byRefs',
  'SELECT id, ref FROM people WHERE ref IN (SELECT value FROM json_each(@refs))')

const refsByIds = defineQuery<{ ids: string }, { id: number, ref: string }>('people.refsByIds',
  'SELECT id, ref FROM people WHERE id IN (SELECT value FROM json_each(@ids))')

const insertMissing = defineQuery<{ refs: string, now: number }, never>('people.insertMissing',
  'INSERT INTO people (ref, created_at) SELECT value, @now FROM json_each(@refs) WHERE true ON CONFLICT (ref) DO NOTHING')

const firstPage = defineQuery<{ limit: number }, { id: number, ref: string }>('people.list',
  'SELECT id, ref FROM people ORDER BY ref LIMIT @limit')

const afterCursor = defineQuery<{ limit: number, ref: string }, { id: number, ref: string }>('people.list.after',
  'SELECT id, ref FROM people WHERE ref > @ref ORDER BY ref LIMIT @limit')

const count = defineQuery<Record<string, never>, { total: number }>('people.count', 'SELECT count(*) AS total FROM people')

// One index seek per (person, metric) for each end: min()/max() over an index prefix is a
// single lookup, where a GROUP BY would read every day of every person on the page.
const metricSpans = defineQuery<{ ids: string, metrics: string }, { personId: number, metric: string, firstDay: string | null, lastDay: string | null }>('people.metricSpans', `
  SELECT p.value AS personId, m.value AS metric,
    (SELECT min(day) FROM health_daily WHERE person_id = p.value AND metric = m.value) AS firstDay,
    (SELECT max(day) FROM health_daily WHERE person_id = p.value AND metric = m.value) AS lastDay
  FROM json_each(@ids) AS p, json_each(@metrics) AS m`)

const intakeSpans = defineQuery<{ ids: string, supplements: string }, { personId: number, supplementId: string, first: number | null, last: number | null }>('people.intakeSpans', `
  SELECT p.value AS personId, s.value AS supplementId,
    (SELECT min(taken_at) FROM supplement_intakes WHERE person_id = p.value AND supplement_id = s.value) AS first,
    (SELECT max(taken_at) FROM supplement_intakes WHERE person_id = p.value AND supplement_id = s.value) AS last
  FROM json_each(@ids) AS p, json_each(@supplements) AS s`)

export function findPersonId(ref: string): number | undefined {
  return byRef.get({ ref })?.id
}

/** Internal ids for refs, creating the people that do not exist yet. Call inside the write transaction. */
export function ensurePeople(refs: Iterable<string>, now: number = Date.now()): Map<string, number> {
  const list = JSON.stringify([...new Set(refs)])
  insertMissing.run({ refs: list, now })
  return new Map(byRefs.all({ refs: list }).map(p => [p.ref, p.id]))
}

export function personRefs(ids: Iterable<number>): Map<number, string> {
  return new Map(refsByIds.all({ ids: JSON.stringify([...ids]) }).map(p => [p.id, p.ref]))
}


export function listPeople(input: { limit: number, cursor?: string, count?: boolean }) {
  const rows = input.cursor
    ? afterCursor.all({ limit: input.limit + 1, ref: decodeCursor(input.cursor, ['string'] as const)[0] })
    : firstPage.all({ limit: input.limit + 1 })
  const page = keysetPage(rows, input.limit, r => [r.ref])
  const ids = JSON.stringify(page.data.map(p => p.id))
  const byId = new Map<number, PersonSummary>(page.data.map(p => [p.id, { personId: p.ref, firstDay: null, lastDay: null, metrics: [], supplements: [] }]))
  const widen = (s: PersonSummary, first: string, last: string) => {
    if (s.firstDay === null || first < s.firstDay) s.firstDay = first
    if (s.lastDay === null || last > s.lastDay) s.lastDay = last
  }
  for (const m of metricSpans.all({ ids, metrics: JSON.stringify(METRIC_NAMES) })) {
    const s = byId.get(m.personId)!
    if (m.firstDay === null || m.lastDay === null) continue
    s.metrics.push(m.metric)
    widen(s, m.firstDay, m.lastDay)
  }
  for (const i of intakeSpans.all({ ids, supplements: JSON.stringify(SUPPLEMENTS.map(s => s.id)) })) {
    const s = byId.get(i.personId)!
    if (i.first === null || i.last === null) continue
    s.supplements.push(i.supplementId)
    widen(s, utcDay(i.first), utcDay(i.last))
  }
  const result = { data: [...byId.values()], page: page.page }
  if (input.count) result.page.total = count.get({})!.total
  return result
}

// Reading correlations and insights. A list is keyset-paged by id; one correlation comes with the
// pairs it was computed from, rebuilt by the same code as the recompute (series.ts).
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery } from '../query/index.ts'
import { hintedQuery, withIndexRetry } from '../query/index-presence.ts'
import { readAll, readDeadline, readOne } from '../query/off-thread.ts'
import { findPersonId } from '../health/people.ts'
import { SIGNIFICANT_Q } from './recompute.ts'
import type { CorrelationsQuery, InsightsQuery } from './schemas.ts'
import { loadPersonSeries, pairSeries, toPairs, type Pair } from './series.ts'
import { pearson } from './stats.ts'

interface CorrelationRow {
  id: number
  personId: string
  personRowId: number
  supplementId: string
  metric: string
  lagDays: number
  n: number
  pearsonR: number | null
  spearmanRho: number | null
  pValue: number | null
  qValue: number | null
  ciLow: number | null
  ciHigh: number | null
  effect: number | null
  computedAt: number
}

const COLUMNS = `c.id, p.ref AS personId, c.person_id AS personRowId, c.supplement_id AS supplementId, c.metric, c.lag_days AS lagDays, c.n,
  c.pearson_r AS pearsonR, c.spearman_rho AS spearmanRho, c.p_value AS pValue, c.q_value AS qValue, c.ci_low AS ciLow, c.ci_high AS ciHigh,
  c.effect, c.computed_at AS computedAt`

type ListParams = { personId: number | null, metric: string | null, supplementId: string | null, significant: number | null, minAbsR: number | null, after: number, limit: number }

// The remaining filters are cheap residual checks on the rows the access path yields.
const FILTERS = `(@metric IS NULL OR c.metric = @metric) AND (@supplementId IS NULL OR c.supplement_id = @supplementId)
  AND (@significant IS NULL OR (coalesce(c.q_value, 1) < ${SIGNIFICANT_Q}) = @significant)
  AND (@minAbsR IS NULL OR abs(c.pearson_r) >= @minAbsR) AND c.id > @after`

// A person's correlations are one range of the unique index (about a hundred rows), sorted by id.
const forPerson = defineQuery<ListParams, CorrelationRow>('correlations.list[person]', `SELECT ${COLUMNS}
  FROM correlations AS c JOIN people AS p ON p.id = c.person_id
  WHERE c.person_id = @personId AND ${FILTERS} ORDER BY c.id LIMIT @limit`)

// Everyone's: walks the table in id order and stops at a full page.
const forAll = defineQuery<ListParams, CorrelationRow>('correlations.list[all]', `SELECT ${COLUMNS}
  FROM correlations AS c JOIN people AS p ON p.id = c.person_id
  WHERE ${FILTERS} ORDER BY c.id LIMIT @limit`)

// Everyone's significant ones: a range of idx_correlations_q (a few hundred of tens of thousands
// of rows), sorted, rather than a walk over every row in id order. Named with INDEXED BY: left
// alone, the planner prefers the id order of the rowid whenever it lacks statistics.
const significantForAll = hintedQuery<ListParams, CorrelationRow>('correlations.list[significant]', 'idx_correlations_q', hint => `SELECT ${COLUMNS}
  FROM correlations AS c${hint} JOIN people AS p ON p.id = c.person_id
  WHERE c.q_value < ${SIGNIFICANT_Q} AND ${FILTERS} ORDER BY c.id LIMIT @limit`)

const countList = defineQuery<ListParams, { total: number }>('correlations.count', `SELECT count(*) AS total FROM correlations AS c
  WHERE (@personId IS NULL OR c.person_id = @personId) AND ${FILTERS}`)

const byId = defineQuery<{ id: number }, CorrelationRow>('correlations.byId', `SELECT ${COLUMNS}
  FROM correlations AS c JOIN people AS p ON p.id = c.person_id WHERE c.id = @id`)

function shape(r: CorrelationRow) {
  return {
    id: r.id,
    personId: r.personId,
    supplementId: r.supplementId,
    metric: r.metric,
    lagDays: r.lagDays,
    n: r.n,
    pearsonR: r.pearsonR,
    spearmanRho: r.spearmanRho,
    pValue: r.pValue,
    qValue: r.qValue,
    ci95: r.ciLow === null || r.ciHigh === null ? null : [r.ciLow, r.ciHigh] as [number, number],
    effect: r.effect,
    computedAt: new Date(r.computedAt).toISOString(),
  }
}

export type Correlation = ReturnType<typeof shape>

/**
 * The list; undefined when personId names nobody. Everyone's list under a rare filter walks far,
 * and a count reads every match: both run on a reader thread within the query time limit.
 */
export async function listCorrelations(q: CorrelationsQuery) {
  const personId = q.personId === undefined ? null : findPersonId(q.personId)
  if (personId === undefined) return undefined
  const params: ListParams = {
    personId,
    metric: q.metric ?? null,
    supplementId: q.supplementId ?? null,
    significant: q.significant === undefined ? null : Number(q.significant),
    minAbsR: q.minAbsR ?? null,
    after: q.cursor ? decodeCursor(q.cursor, ['number'] as const)[0] : 0,
    limit: q.limit + 1,
  }
  const deadline = readDeadline()
  const rows = await withIndexRetry(() => readAll(personId !== null ? forPerson : q.significant === true ? significantForAll() : forAll, params, deadline))
  const page = keysetPage(rows, q.limit, r => [r.id])
  const result = { data: page.data.map(shape), page: page.page }
  if (q.count) result.page.total = (await readOne(countList, { ...params, after: 0 }, deadline))!.total
  return result
}

/**
 * One correlation with its pairs. `stale` is true when the data changed after the recompute, so
 * the pairs rebuilt now no longer give the stored n and r (a recompute brings them back in step).
 */
export function getCorrelation(id: number): (Correlation & { pairs: Pair[], stale: boolean }) | undefined {
  const row = byId.get({ id })
  if (!row) return undefined
  const s = pairSeries(loadPersonSeries(row.personRowId), row.supplementId, row.metric, row.lagDays)
  const r = pearson(s.dose, s.value)
  const same = s.dose.length === row.n && (r === null ? row.pearsonR === null : row.pearsonR !== null && Math.abs(r - row.pearsonR) < 1e-9)
  return { ...shape(row), pairs: toPairs(s), stale: !same }
}

interface InsightRow {
  id: number
  text: string
  confidence: number
  correlationId: number
  supplementId: string
  metric: string
  lagDays: number
  createdAt: number
}

// idx_insights_person_confidence (person_id, confidence, then the rowid) gives this order directly.
const insightsFor = defineQuery<{ personId: number, limit: number, cConfidence: number, cId: number }, InsightRow>('insights.list', `
  SELECT i.id, i.text, i.confidence, i.correlation_id AS correlationId, c.supplement_id AS supplementId, c.metric, c.lag_days AS lagDays, i.created_at AS createdAt
  FROM insights AS i JOIN correlations AS c ON c.id = i.correlation_id
  WHERE i.person_id = @personId AND (i.confidence, i.id) < (@cConfidence, @cId)
  ORDER BY i.confidence DESC, i.id DESC LIMIT @limit`)

const countInsights = defineQuery<{ personId: number }, { total: number }>('insights.count',
  'SELECT count(*) AS total FROM insights WHERE person_id = @personId')

/** A person's findings, most confident first; undefined when personId names nobody. */
export function listInsights(q: InsightsQuery) {
  const personId = findPersonId(q.personId)
  if (personId === undefined) return undefined
  const [cConfidence, cId] = q.cursor ? decodeCursor(q.cursor, ['number', 'number'] as const) : [2, Number.MAX_SAFE_INTEGER]
  const rows = insightsFor.all({ personId, limit: q.limit + 1, cConfidence, cId })
  const page = keysetPage(rows, q.limit, r => [r.confidence, r.id])
  const result = {
    data: page.data.map(r => ({ ...r, personId: q.personId, createdAt: new Date(r.createdAt).toISOString() })),
    page: page.page,
  }
  if (q.count) result.page.total = countInsights.get({ personId })!.total
  return result
}

// GET /api/v1/claims: filters, three sort keys in both directions, keyset pagination on
// (sort key, id). Each shape of request (which filters, which index, which sort, first page or
// after a cursor) is its own named, prepared statement; planner.ts picks the index. A page can
// walk far under an unusual filter combination, so its statements run on the reader threads,
// within one deadline for the page (query/off-thread.ts); the planner's rollup reads stay inline.
import { defineQuery, type NamedQuery } from '../query/index.ts'
import { withIndexRetry } from '../query/index-presence.ts'
import { readAll, readDeadline, readOne } from '../query/off-thread.ts'
import { bindingOf, decodeCursor, encodeCursor, type Page } from '../pagination.ts'
import { choosePath, INDEX_FILTERS, walkCapsFor, type AccessPath, type Params, type SortColumn } from './planner.ts'
import { CLAIM_COLUMNS, toClaim, type Claim, type ClaimRow } from './row.ts'
import type { ListClaimsQuery } from './schemas.ts'

/** The sort keys' names in the result (CLAIM_COLUMNS' aliases), for ORDER BY of a compound page. */
const SORT_ALIAS: Record<SortColumn, string> = {
  date_of_service: 'dateOfService',
  billed_cents: 'billedCents',
  submitted_at: 'submittedAt',
}

const SORT_COLUMN: Record<string, SortColumn> = {
  dateOfService: 'date_of_service',
  billedCents: 'billed_cents',
  submittedAt: 'submitted_at',
}

export function sortColumnOf(q: ListClaimsQuery): SortColumn {
  return SORT_COLUMN[q.sort.replace('-', '')]!
}

/** The request's filters as WHERE terms and statement parameters. */
export function filterTerms(q: ListClaimsQuery): { terms: string[], params: Params } {
  const terms: string[] = []
  const params: Params = {}
  if (q.status?.length) {
    const names = [...new Set(q.status)].sort().map((s, i) => {
      params[`s${i}`] = s
      return `@s${i}`
    })
    terms.push(names.length === 1 ? `status = ${names[0]}` : `status IN (${names.join(', ')})`)
  }
  if (q.providerId !== undefined) (terms.push('provider_id = @providerId'), params.providerId = q.providerId)
  if (q.payer !== undefined) (terms.push('payer = @payer'), params.payer = q.payer)
  if (q.denialReason !== undefined) (terms.push('denial_reason = @denialReason'), params.denialReason = q.denialReason)
  if (q.from !== undefined) (terms.push('date_of_service >= @from'), params.from = q.from)
  if (q.to !== undefined) (terms.push('date_of_service <= @to'), params.to = q.to)
  if (q.minBilledCents !== undefined) (terms.push('billed_cents >= @minBilled'), params.minBilled = q.minBilledCents)
  if (q.maxBilledCents !== undefined) (terms.push('billed_cents <= @maxBilled'), params.maxBilled = q.maxBilledCents)
  return { terms, params }
}

const statements = new Map<string, NamedQuery<Params, ClaimRow>>()

/**
 * The SQL and name of the statement for this request's shape.
 *
 * A page after a cursor on an ordered path is two index ranges merged in order: the rest of
 * the cursor's key (`key = @cursorKey AND id < @cursorId`, bounded on both index columns) and
 * the keys past it. The row value `(key, id) < (@cursorKey, @cursorId)` would bound the range
 * by the key alone, and step again over every row of the cursor's key already shown (up to a
 * day of claims for the date sort). A path that reads its range and sorts keeps the row value:
 * it reads the whole range either way. Several statuses with the date sort are, likewise, one
 * range of (status, date, id) per status, merged.
 */
interface Statement {
  sql: string
  name: string
}

/** The statements of a capped walk (see cappedWalk). */
export interface CappedWalk {
  probe: Statement
  walk: Statement
  probe2: Statement
  walk2: Statement
  walk2All: Statement
  rest: Statement
}

export interface ListStatement extends Statement {
  sort: SortColumn
  params: Params
  path: AccessPath
  capped?: CappedWalk
}

export function buildListStatement(q: ListClaimsQuery, hasCursor: boolean): ListStatement {
  const sort = sortColumnOf(q)
  const path = choosePath(q, sort)
  const main = compose(q, sort, hasCursor, path, [], '')
  if (!path.fallback) return { ...main, sort, path }
  // A capped walk: the key `walkCap` entries along the walk, the walk up to it, then the
  // fallback path for what lies past it. Every row is on one side of walkEnd, so the page is
  // the same as the uncapped walk's; only the work is bounded.
  const { dir, past } = direction(q)
  const probeQ = Object.fromEntries(INDEX_FILTERS[path.index]!.map(f => [f, q[f as keyof ListClaimsQuery]])) as unknown as ListClaimsQuery
  const { terms } = filterTerms(probeQ)
  if (path.submitted) terms.push('submitted_at BETWEEN @submittedLo AND @submittedHi')
  if (hasCursor) terms.push(`${sort} ${past}= @cursorKey`)
  const probeSql = (where: string[]) => `SELECT ${sort} AS k FROM claims${hintOf(path)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
    + ` ORDER BY ${sort} ${dir}, id ${dir} LIMIT 1 OFFSET @walkCap`
  const probeName = main.name.replace('claims.list[', 'claims.list.walkEnd[')
  const probe = { sql: probeSql(terms), name: probeName }
  const notPast = past === '<' ? '>=' : '<='
  const walk = compose(q, sort, hasCursor, path, [`${sort} ${notPast} @walkEnd`], ';capped')
  // The second stage: from the first stage's end, without the cursor (it lies behind it).
  const fromStart = [...terms.filter(t => !t.includes('@cursorKey')), `${sort} ${past} @walkStart`]
  const probe2 = { sql: probeSql(fromStart), name: probeName.replace(/\]$/, ';2]') }
  const walk2 = compose(q, sort, false, path, [`${sort} ${past} @walkStart`, `${sort} ${notPast} @walkEnd`], ';capped2')
  const walk2All = compose(q, sort, false, path, [`${sort} ${past} @walkStart`], ';capped2all')
  const rest = compose(q, sort, false, path.fallback, [`${sort} ${past} @walkEnd`], ';rest')
  return { ...main, sort, path, capped: { probe, walk, probe2, walk2, walk2All, rest } }
}

function direction(q: ListClaimsQuery) {
  const descending = q.sort.startsWith('-')
  return { dir: descending ? 'DESC' : 'ASC', past: descending ? '<' : '>' }
}

/** One statement: the filters, the path's index, the cursor's bound, and any extra terms. */
function compose(q: ListClaimsQuery, sort: SortColumn, hasCursor: boolean, path: AccessPath, extra: string[], tag: string) {
  const { dir, past } = direction(q)
  const { terms, params } = filterTerms(q)
  if (path.submitted) {
    terms.push('submitted_at BETWEEN @submittedLo AND @submittedHi')
    params.submittedLo = path.submitted.lo
    params.submittedHi = path.submitted.hi
  }
  terms.push(...extra)
  const select = (where: string[]) => `SELECT ${CLAIM_COLUMNS} FROM claims${hintOf(path)}`
    + (where.length ? ` WHERE ${where.join(' AND ')}` : '')
  // Several statuses on (status, date, id): one ordered range per status, merged.
  const statusTerm = terms.findIndex(t => t.startsWith('status IN'))
  const perStatus = path.perStatus && statusTerm >= 0
    ? Object.keys(params).filter(k => /^s\d+$/.test(k)).map(k => [`status = @${k}`])
    : [[]]
  const base = perStatus.length > 1 ? terms.filter((_, i) => i !== statusTerm) : terms
  const keyRanges = hasCursor && path.ordered ? [[`${sort} = @cursorKey`, `id ${past} @cursorId`], [`${sort} ${past} @cursorKey`]] : [[]]
  const branches = perStatus.flatMap(st => keyRanges.map(kr => [...st, ...base, ...kr]))
  let sql: string
  if (branches.length > 1) {
    sql = branches.map(select).join(' UNION ALL ') + ` ORDER BY ${SORT_ALIAS[sort]} ${dir}, id ${dir} LIMIT @limit`
  }
  else {
    sql = select(hasCursor && !path.ordered ? [...terms, `(${sort}, id) ${past} (@cursorKey, @cursorId)`] : branches[0]!) + ` ORDER BY ${sort} ${dir}, id ${dir} LIMIT @limit`
  }
  const name = `claims.list[${path.index.replace('idx_claims_', '') || 'unhinted'}${path.ordered ? '' : '+sort'};${q.sort};${Object.keys(params).join(',')}${hasCursor ? ';after' : ''}${tag}]`
  return { sql, name, params }
}

/** The statement's INDEXED BY, or nothing on a path that names no index. */
export function hintOf(path: AccessPath): string {
  return path.index ? ` INDEXED BY ${path.index}` : ''
}

function prepared<R>(statement: Statement): NamedQuery<Params, R> {
  let stmt = statements.get(statement.sql)
  if (!stmt) statements.set(statement.sql, stmt = defineQuery<Params, ClaimRow>(statement.name, statement.sql))
  return stmt as unknown as NamedQuery<Params, R>
}

export interface ListClaimsResult {
  data: Claim[]
  page: Page
}

/** What a cursor is bound to: the filters (statuses as a set) and the sort, not the page size. */
function cursorBinding(q: ListClaimsQuery): string {
  const status = q.status?.length ? [...new Set(q.status)].sort() : undefined
  return bindingOf([status, q.providerId, q.payer, q.denialReason, q.from, q.to, q.minBilledCents, q.maxBilledCents, q.sort])
}

/**
 * The cursor a page ending at the claim (key, id) would issue for this request: for benches that
 * start at a random depth without walking there.
 */
export function listCursorAt(q: ListClaimsQuery, key: string | number, id: number): string {
  return encodeCursor([key, id], cursorBinding(q))
}

export function listClaims(q: ListClaimsQuery): Promise<ListClaimsResult> {
  // Planned again if an index it named was dropped meanwhile (index-presence.ts).
  return withIndexRetry(() => listPage(q))
}

async function listPage(q: ListClaimsQuery): Promise<ListClaimsResult> {
  const { sql, name, sort, params, path, capped } = buildListStatement(q, q.cursor !== undefined)
  // The cursor is checked first: a foreign one is refused even where nothing matches.
  if (q.cursor) {
    const [key, id] = decodeCursor(q.cursor, [sort === 'date_of_service' ? 'string' : 'number', 'number'] as const, cursorBinding(q))
    params.cursorKey = key
    params.cursorId = id
  }
  if (path.none) return { data: [], page: { limit: q.limit, nextCursor: null } }
  params.limit = q.limit + 1
  const deadline = readDeadline()
  const rows = capped
    ? await cappedWalk(capped, { sql, name }, params, q.limit + 1, deadline, path.fallback?.rows)
    : await readAll(prepared<ClaimRow>({ sql, name }), params, deadline)
  const hasMore = rows.length > q.limit
  const page = hasMore ? rows.slice(0, q.limit) : rows
  const last = page[page.length - 1]
  const sortValue = (row: ClaimRow) => sort === 'date_of_service' ? row.dateOfService : sort === 'billed_cents' ? row.billedCents : row.submittedAt
  return {
    data: page.map(toClaim),
    page: { limit: q.limit, nextCursor: hasMore && last ? encodeCursor([sortValue(last), last.id], cursorBinding(q)) : null },
  }
}

/**
 * The walk in two capped stages (planner.ts, walkCapsFor), then, if the page is still not full,
 * the fallback path for the rows past the walk's end.
 */
async function cappedWalk(capped: CappedWalk, main: Statement, params: Params, limit: number, deadline: number, fallbackRows?: number): Promise<ClaimRow[]> {
  const [first, second] = walkCapsFor(limit, fallbackRows)
  const end = await readOne(prepared<{ k: string | number }>(capped.probe), { ...params, walkCap: first }, deadline)
  // Fewer entries than the cap are left: the walk is short as it is.
  if (!end) return readAll(prepared<ClaimRow>(main), params, deadline)
  let rows = await readAll(prepared<ClaimRow>(capped.walk), { ...params, walkEnd: end.k }, deadline)
  let walkEnd = end.k
  if (rows.length < limit && second > first) {
    const end2 = await readOne(prepared<{ k: string | number }>(capped.probe2), { ...params, walkStart: walkEnd, walkCap: second - first }, deadline)
    const stage2 = { ...params, walkStart: walkEnd, walkEnd: end2?.k ?? walkEnd, limit: limit - rows.length }
    // No key at the second cap: the rest of the walk is shorter than the cap, so walk it all.
    rows = rows.concat(await readAll(prepared<ClaimRow>(end2 ? capped.walk2 : capped.walk2All), stage2, deadline))
    if (!end2) return rows
    walkEnd = end2.k
  }
  if (rows.length >= limit) return rows
  return rows.concat(await readAll(prepared<ClaimRow>(capped.rest), { ...params, walkEnd, limit: limit - rows.length }, deadline))
}

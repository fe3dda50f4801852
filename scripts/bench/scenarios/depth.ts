// Why the list pages with a keyset cursor and not with OFFSET: page 1,000 against page 1.
// A keyset page seeks straight to (sort key, id) in the index, so its cost does not depend on
// depth; OFFSET has to walk past every skipped row. OFFSET is not an API feature, so it is
// measured on the SQL itself: the list's own statement (same SELECT, same INDEXED BY) with
// LIMIT/OFFSET, against the same statement with the keyset WHERE (key, id) < (?, ?), on raw
// better-sqlite3. The keyset side is also measured through the API.
import type { Statement } from 'better-sqlite3'
import { buildListStatement } from '../../../server/services/claims/list.ts'
import { ListClaimsQuery } from '../../../server/services/claims/schemas.ts'
import { encodeCursor } from '../lib/mix.ts'
import type { BenchContext, Scenario } from '../lib/context.ts'
import { checkTarget, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { compareLoops, ratio } from '../lib/stats.ts'

const LIMIT = 50
const DEEP_PAGE = 1000
/** Page sizes around 50 for the API runs, so that the page-1 requests are not all one URL. */
const API_LIMITS = [48, 49, 50, 51, 52]

/** Keyset and OFFSET depth ratios at most this. */
export const DEPTH_TARGET = 1.5

interface Shape {
  label: string
  params: Record<string, string>
}

function shapes(ctx: BenchContext): Shape[] {
  return [
    { label: 'no filter, -dateOfService', params: {} },
    { label: 'no filter, -billedCents', params: { sort: '-billedCents' } },
    { label: 'no filter, submittedAt', params: { sort: 'submittedAt' } },
    { label: 'status=denied', params: { status: 'denied' } },
    { label: `payer=${ctx.facts.payers[0]}`, params: { payer: ctx.facts.payers[0]! } },
  ]
}

interface Prepared {
  first: Statement
  after: Statement
  offset: Statement
  /** The sort key and id of the last row before `skip` rows: the cursor of the page after them. */
  cursorAt(skip: number): [string | number, number]
  params: Record<string, string | number>
}

function prepare(ctx: BenchContext, shape: Shape, limit: number): Prepared {
  const sqlite = ctx.connection().sqlite
  const q = ListClaimsQuery.parse({ ...shape.params, limit: String(limit) })
  const first = buildListStatement(q, false)
  const after = buildListStatement(q, true)
  const offsetSql = first.sql.replace('LIMIT @limit', 'LIMIT @limit OFFSET @offset')
  const keyAt = sqlite.prepare(first.sql.replace(/^SELECT .* FROM claims/, `SELECT ${first.sort} AS k, id FROM claims`).replace('LIMIT @limit', 'LIMIT 1 OFFSET @offset'))
  return {
    first: sqlite.prepare(first.sql),
    after: sqlite.prepare(after.sql),
    offset: sqlite.prepare(offsetSql),
    cursorAt(skip) {
      const row = keyAt.get({ ...first.params, offset: skip - 1 }) as { k: string | number, id: number }
      return [row.k, row.id]
    },
    params: { ...first.params, limit: limit + 1 },
  }
}

export const depth: Scenario = {
  name: 'depth',
  title: `Keyset against OFFSET paging, page ${DEEP_PAGE.toLocaleString('en-US')} against page 1`,
  summary: 'page 1,000 against page 1 with a keyset cursor (SQL and API) and with OFFSET (SQL)',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const skip = (DEEP_PAGE - 1) * LIMIT
    const rows: string[][] = []
    const sql: Record<string, unknown>[] = []
    for (const shape of shapes(ctx)) {
      ctx.log(`depth: SQL ${shape.label}`)
      const p = prepare(ctx, shape, LIMIT)
      const [cursorKey, cursorId] = p.cursorAt(skip)
      const [page2Key, page2Id] = p.cursorAt(LIMIT)
      const [k1, k2, k1000, o1, o1000] = compareLoops([
        () => p.first.all(p.params),
        () => p.after.all({ ...p.params, cursorKey: page2Key, cursorId: page2Id }),
        () => p.after.all({ ...p.params, cursorKey, cursorId }),
        () => p.offset.all({ ...p.params, offset: 0 }),
        () => p.offset.all({ ...p.params, offset: skip }),
      ], { targetMs: 10, rounds: 11 })
      sql.push({ shape: shape.label, keysetPage1Ms: k1, keysetPage2Ms: k2, keysetDeepMs: k1000, offsetPage1Ms: o1, offsetDeepMs: o1000 })
      rows.push([`SQL: ${shape.label}`, fmtMs(k1!), fmtMs(k2!), fmtMs(k1000!), fmtRatio(ratio(k1000!, k1!)), fmtMs(o1!), fmtMs(o1000!), fmtRatio(ratio(o1000!, o1!))])
    }

    // Through the API: the same shapes, first pages against pages 1,000 (cursors found with OFFSET).
    ctx.log('depth: API page 1 against page 1,000')
    const page1: string[] = []
    const deep: string[] = []
    for (const shape of shapes(ctx)) {
      for (const limit of API_LIMITS) {
        const query = new URLSearchParams({ ...shape.params, limit: String(limit) })
        page1.push(`/api/v1/claims?${query}`)
        const [key, id] = prepare(ctx, shape, limit).cursorAt((DEEP_PAGE - 1) * limit)
        query.set('cursor', encodeCursor(query, key, id))
        deep.push(`/api/v1/claims?${query}`)
      }
    }
    await ctx.portal()
    const api1 = await ctx.load({ source: { kind: 'paths', paths: page1 } })
    const apiDeep = await ctx.load({ source: { kind: 'paths', paths: deep } })
    const apiRatio = ratio(apiDeep.latency.p50, api1.latency.p50)
    rows.push(['API: the five shapes, ~50 a page (median)', fmtMs(api1.latency.p50), '–', fmtMs(apiDeep.latency.p50), fmtRatio(apiRatio), '–', '–', '–'])

    const keysetRatios = sql.map(s => ratio(s.keysetDeepMs as number, s.keysetPage1Ms as number))
    const worstKeyset = Math.max(...keysetRatios)
    const offsetRatios = sql.map(s => ratio(s.offsetDeepMs as number, s.offsetPage1Ms as number))
    return {
      name: this.name,
      title: this.title,
      columns: ['shape', 'keyset page 1', 'keyset page 2', `keyset page ${DEEP_PAGE}`, 'keyset ratio', 'OFFSET page 1', `OFFSET page ${DEEP_PAGE}`, 'OFFSET ratio'],
      rows,
      targets: [
        checkTarget(`keyset page ${DEEP_PAGE} ÷ page 1, through the API (median)`, apiRatio, '<=', DEPTH_TARGET, fmtRatio),
        checkTarget(`keyset page ${DEEP_PAGE} ÷ page 1, SQL (worst shape)`, worstKeyset, '<=', DEPTH_TARGET, fmtRatio),
      ],
      notes: [
        `Pages of ${LIMIT} (the statement fetches ${LIMIT + 1} to know whether there is a next page); page ${DEEP_PAGE} skips ${skip.toLocaleString('en-US')} rows.`,
        'SQL rows: the portal\'s own list statements (buildListStatement, same INDEXED BY) on a bare better-sqlite3 prepared statement, median of 11 alternating timed batches.',
        'Why a keyset page still costs a little more than page 1: it is two index ranges merged in order (the rest of the cursor\'s key, `key = ? AND id < ?`, '
        + 'then `key < ?`), so it pays for a second seek and the merge (about 15 µs), whatever its depth.',
        `OFFSET page ${DEEP_PAGE} costs ${fmtRatio(Math.min(...offsetRatios))} to ${fmtRatio(Math.max(...offsetRatios))} its first page: it steps over every skipped index entry, so a deep page grows with its depth; the keyset page seeks to its cursor.`,
        `API rows: ${page1.length} distinct first pages and ${deep.length} distinct deep pages (page sizes ${API_LIMITS.join(', ')}), one connection, ${ctx.durationS} s each; cache hits ${api1.cacheHits + apiDeep.cacheHits}.`,
      ],
      data: { sql, api: { page1: api1, deep: apiDeep } },
    }
  },
}

// What the named-query layer costs: each named statement run through NamedQuery (timing, stats
// histogram, Prometheus buckets, tally and slow-log checks) against the same SQL with the same parameters on a bare
// better-sqlite3 prepared statement, in this process on the bench database. The service call
// (the statement plus its shaping: cursors, dates, joins of several statements) is shown beside
// them for scale.
import type { Statement } from 'better-sqlite3'
import { buildListStatement } from '../../../server/services/claims/list.ts'
import { addDays } from '../../../server/services/days.ts'
import { getClaim } from '../../../server/services/claims/read.ts'
import { ListClaimsQuery, MetricsQuery } from '../../../server/services/claims/schemas.ts'
import { getProvider, listProviders } from '../../../server/services/providers/index.ts'
import { defineQuery, queryCatalog } from '../../../server/services/query/index.ts'
import type { BenchContext, Scenario } from '../lib/context.ts'
import { encodeCursor } from '../lib/mix.ts'
import { checkTarget, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { compareLoops, ratio } from '../lib/stats.ts'

/** The layer may add at most 15% to a statement's time. */
export const LAYER_TARGET = 1.15

type Params = Record<string, unknown>

interface Case {
  name: string
  sql: string
  mode: 'all' | 'get'
  /** Parameters per call; the cases that take an id walk through many, identically for both sides. */
  params: () => Params
  /** The service function, when it is synchronous (those reading on the reader threads are timed in the readers scenario). */
  service?: () => unknown
}

function sqlOf(name: string): string {
  const entry = queryCatalog().find(q => q.name === name)
  if (!entry) throw new Error(`No named query ${name} in the catalogue`)
  return entry.sql
}

function cycle<T>(items: readonly T[]): () => T {
  let i = 0
  return () => items[i++ % items.length]!
}

function cases(ctx: BenchContext): Case[] {
  const { facts } = ctx
  const to = facts.lastDay
  const from = addDays(to, -89)
  const ids = cycle(facts.sample.map(s => s.id))
  const providerIds = cycle(facts.providerIds)

  const listCase = (label: string, input: Record<string, string>): Case => {
    const q = ListClaimsQuery.parse(input)
    const hasCursor = q.cursor !== undefined
    const { sql, name, params } = buildListStatement(q, hasCursor)
    const all: Params = { ...params, limit: q.limit + 1 }
    if (hasCursor) [all.cursorKey, all.cursorId] = JSON.parse(Buffer.from(q.cursor!, 'base64url').toString()) as [unknown, unknown]
    return { name: `${name} (${label})`, sql, mode: 'all', params: () => all, }
  }
  const row = facts.sample[0]!
  const metricsCase = (groupBy: string): Case => {
    const name = `claims.metrics.by${groupBy[0]!.toUpperCase()}${groupBy.slice(1)}`
    const q = MetricsQuery.parse({ groupBy, from: addDays(to, -364), to })
    const dim = groupBy === 'provider' ? 'provider' : groupBy === 'denialReason' ? 'denial_reason' : 'payer'
    return { name, sql: sqlOf(name), mode: 'all', params: () => ({ from: q.from, to: q.to, dim }) }
  }
  return [
    listCase('first page', {}),
    listCase('status=denied, payer', { status: 'denied', payer: facts.payers[1]! }),
    listCase('-billedCents, after a cursor', { sort: '-billedCents', cursor: encodeCursor(new URLSearchParams({ sort: '-billedCents' }), row.billedCents, row.id) }),
    { name: 'claims.byId', sql: sqlOf('claims.byId'), mode: 'get', params: () => ({ id: ids() }), service: () => getClaim(ids()) },
    metricsCase('month'),
    metricsCase('day'),
    metricsCase('provider'),
    {
      name: 'claims.denialPatterns',
      sql: sqlOf('claims.denialPatterns'),
      mode: 'all',
      params: () => ({ prevFrom: addDays(from, -90), from, to, minCount: 2, limit: 20 }),
    },
    { name: 'providers.list', sql: sqlOf('providers.list'), mode: 'all', params: () => ({ limit: 51 }), service: () => listProviders({ limit: 50 }) },
    { name: 'providers.byId', sql: sqlOf('providers.byId'), mode: 'get', params: () => ({ id: providerIds() }), service: () => getProvider(providerIds()) },
  ]
}

export const queryLayer: Scenario = {
  name: 'query-layer',
  title: 'Named-query layer against raw better-sqlite3',
  summary: 'each named query through NamedQuery against the same SQL on a bare prepared statement',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const sqlite = ctx.connection().sqlite
    const results = cases(ctx).map((c) => {
      ctx.log(`query-layer: ${c.name}`)
      // The same name and SQL as the service's own statement: defineQuery accepts the repeat.
      const named = defineQuery<Params, unknown>(c.name.replace(/ \(.*\)$/, ''), c.sql)
      const raw: Statement = sqlite.prepare(c.sql)
      const [rawMs, layerMs, serviceMs] = compareLoops([
        c.mode === 'all' ? () => raw.all(c.params()) : () => raw.get(c.params()),
        c.mode === 'all' ? () => named.all(c.params()) : () => named.get(c.params()),
        ...(c.service ? [c.service] : []),
      ], { targetMs: 10, rounds: 21 })
      return { name: c.name, rawMs: rawMs!, layerMs: layerMs!, serviceMs: serviceMs ?? Number.NaN, ratio: ratio(layerMs!, rawMs!) }
    })
    const worst = results.reduce((w, r) => (r.ratio > w.ratio ? r : w))
    const sorted = results.map(r => r.ratio).sort((a, b) => a - b)
    const medianRatio = sorted[Math.floor(sorted.length / 2)]!
    return {
      name: this.name,
      title: this.title,
      columns: ['named query', 'raw', 'through the layer', 'layer ÷ raw', 'service call'],
      rows: results.map(r => [r.name, fmtMs(r.rawMs), fmtMs(r.layerMs), fmtRatio(r.ratio), fmtMs(r.serviceMs)]),
      targets: [
        checkTarget(`query layer ÷ raw, worst query (${worst.name})`, worst.ratio, '<=', LAYER_TARGET, fmtRatio),
        checkTarget('query layer ÷ raw, median over the queries', medianRatio, '<=', LAYER_TARGET, fmtRatio),
      ],
      notes: [
        'In this process on the bench database, median of 21 alternating timed batches of about 10 ms each per side (many short batches, so a burst of other work on the shared machine moves few of them).',
        '`service call` is the whole service function (the statement or statements plus shaping: dates, cursors, provider names), for scale; it is not part of the ratio. Lists, metrics and denial patterns read on the reader threads (asynchronous): their service calls are timed in the readers scenario.',
      ],
      data: { queries: results },
    }
  },
}

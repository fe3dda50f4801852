import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { exportClaims } from '../../server/services/claims/export.ts'
import { countClaims } from '../../server/services/claims/count.ts'
import { listClaims } from '../../server/services/claims/list.ts'
import { ExportClaimsQuery, ListClaimsQuery } from '../../server/services/claims/schemas.ts'
import { queryStats, resetQueryStats } from '../../server/services/query/index.ts'
import { useClaimsFixture } from './claims-fixture.ts'

useClaimsFixture()

async function text(query: Record<string, unknown>, batch: number): Promise<string> {
  let out = ''
  for await (const chunk of exportClaims(ExportClaimsQuery.parse(query), batch)) out += chunk
  return out
}

/** Every claim the list shows for these filters, page after page. */
async function listed(query: Record<string, unknown>) {
  const all: unknown[] = []
  let cursor: string | undefined
  do {
    const page = (await listClaims(ListClaimsQuery.parse({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) })))
    all.push(...page.data)
    cursor = page.page.nextCursor ?? undefined
  } while (cursor)
  return all
}

const FILTERS: Record<string, unknown>[] = [
  {},
  { status: 'denied' },
  { status: ['paid', 'approved'], sort: 'billedCents' },
  { providerId: '2', from: '2026-02-01', to: '2026-04-30', sort: '-submittedAt' },
  { payer: 'Cigna', minBilledCents: '2000', maxBilledCents: '4000' },
  { denialReason: 'CO-16', sort: 'dateOfService' },
  { payer: 'No such payer' },
]

describe('claims export (service)', () => {
  it.each(FILTERS)('streams exactly the list\'s claims, in its order, as NDJSON and CSV: %o', async (filters) => {
    const expected = await listed(filters)
    expect(expected.length).toBe(await countClaims(ListClaimsQuery.parse(filters)))
    // A batch that does not divide the total walks several pages and a partial last one.
    const ndjson = (await text({ ...filters, format: 'ndjson' }, 97)).split('\n').filter(Boolean).map(l => JSON.parse(l))
    expect(ndjson).toEqual(expected)
    const csv = parseCsv(await text({ ...filters, format: 'csv' }, 97), { columns: true }) as Record<string, string>[]
    expect(csv.map(r => Number(r.id))).toEqual(expected.map(c => (c as { id: number }).id))
    expect(csv.map(r => ({ ...r, id: Number(r.id), providerId: Number(r.providerId), billedCents: Number(r.billedCents), paidCents: Number(r.paidCents), denialReason: r.denialReason || null })))
      .toEqual(expected)
  })

  it('reads one page per chunk pulled, and none after the consumer stops', async () => {
    const listReads = () => queryStats().filter(s => s.name.startsWith('claims.list')).reduce((n, s) => n + s.calls, 0)
    resetQueryStats()
    const chunks = exportClaims(ExportClaimsQuery.parse({ format: 'ndjson' }), 10)
    await chunks.next()
    await chunks.next()
    expect(listReads()).toBe(2)
    await chunks.return(undefined)
    expect((await chunks.next()).done).toBe(true)
    expect(listReads()).toBe(2)
  })
})

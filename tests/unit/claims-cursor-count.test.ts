// A list cursor is bound to the filters and sort that issued it; a count=true request estimates once.
import { describe, expect, it } from 'vitest'
import { countClaims } from '../../server/services/claims/count.ts'
import { listClaims } from '../../server/services/claims/list.ts'
import { ListClaimsQuery } from '../../server/services/claims/schemas.ts'
import { InvalidCursorError } from '../../server/services/pagination.ts'
import { queryStats, resetQueryStats } from '../../server/services/query/index.ts'
import { useClaimsFixture } from './claims-fixture.ts'

useClaimsFixture()

const parse = (query: Record<string, unknown>) => ListClaimsQuery.parse(query)
const cursorOf = async (query: Record<string, unknown>) => (await listClaims(parse({ ...query, limit: '5' }))).page.nextCursor!

describe('a cursor is bound to its filters and sort', () => {
  const ISSUED = { status: 'denied', payer: 'Aetna', sort: 'billedCents' }
  it.each([
    { status: 'paid', payer: 'Aetna', sort: 'billedCents' },
    { status: 'denied', payer: 'Cigna', sort: 'billedCents' },
    { status: 'denied', payer: 'Aetna', sort: '-billedCents' },
    { status: ['denied', 'paid'], payer: 'Aetna', sort: 'billedCents' },
    { status: 'denied', payer: 'Aetna', sort: 'billedCents', minBilledCents: '1' },
    { status: 'denied', payer: 'Aetna', sort: 'billedCents', from: '2026-01-01' },
    // A filter set where nothing matches still refuses the foreign cursor.
    { status: 'denied', payer: 'Aetna', sort: 'billedCents', providerId: '999' },
  ])('refused with %o', async (other) => {
    const cursor = await cursorOf(ISSUED)
    await expect(listClaims(parse({ ...other, cursor }))).rejects.toThrow(InvalidCursorError)
    await expect(listClaims(parse({ ...other, cursor }))).rejects.toThrow(/^was issued for other filters or another sort/)
  })

  it('accepted with the same filters, another page size and statuses in another order', async () => {
    const cursor = await cursorOf({ status: ['paid', 'denied'], sort: 'billedCents' })
    const page = (await listClaims(parse({ status: ['denied', 'paid', 'denied'], sort: 'billedCents', limit: '7', cursor })))
    expect(page.data.length).toBe(7)
  })
})

describe('count=true estimates once', () => {
  // Filters that neither the list's fast paths nor the rollup count can answer, so both the page
  // and the count need the planner's estimate (its rollup reads are `claims.plan.sizes[…]`).
  it.each([
    { providerId: '2', payer: 'Aetna' },
    { status: 'paid', minBilledCents: '2000' },
    { payer: 'Cigna', denialReason: 'CO-16', sort: '-billedCents' },
    { status: ['paid', 'denied'], from: '2026-02-01', providerId: '3', sort: 'submittedAt' },
  ])('%o', async (filters) => {
    const estimates = () => queryStats().filter(s => s.name.startsWith('claims.plan.')).reduce((n, s) => n + s.calls, 0)
    resetQueryStats()
    await listClaims(parse(filters))
    const pageAlone = estimates()
    expect(pageAlone).toBeGreaterThan(0)
    resetQueryStats()
    const q = parse({ ...filters, count: 'true' })
    await listClaims(q)
    const total = await countClaims(q)
    expect(estimates()).toBe(pageAlone)
    // …and the total is still the exact count (the fixture's 3000 claims fit in three pages).
    let listed = 0
    let cursor: string | undefined
    do {
      const page = (await listClaims(parse({ ...filters, limit: '1000', ...(cursor ? { cursor } : {}) })))
      listed += page.data.length
      cursor = page.page.nextCursor ?? undefined
    } while (cursor)
    expect(total).toBe(listed)
  })
})

describe('decodeCursor with a binding', () => {
  it('refuses another binding before looking at the values, and a cursor without one', async () => {
    const { encodeCursor, decodeCursor } = await import('../../server/services/pagination.ts')
    expect(decodeCursor(encodeCursor(['2026-01-01', 3], 'b1'), ['string', 'number'] as const, 'b1')).toEqual(['2026-01-01', 3])
    expect(() => decodeCursor(encodeCursor([5, 3], 'b1'), ['string', 'number'] as const, 'b2')).toThrow(/^was issued for other filters/)
    expect(() => decodeCursor(encodeCursor(['2026-01-01', 3]), ['string', 'number'] as const, 'b1')).toThrow(/^is not a cursor this endpoint issued$/)
  })
})

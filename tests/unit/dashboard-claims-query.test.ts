import { describe, expect, it } from 'vitest'
import { describeFilters, dollarsToCents, fieldIssues, filtersFromQuery, filtersToApi, filtersToQuery, nextStack, previousPage, toSearch } from '../../utils/claims-query.ts'
import { claimsCsvHeader, claimsCsvLines, csvCell } from '../../server/services/claims/csv.ts'

describe('API issues at the explorer\'s fields', () => {
  const error = (issues: unknown) => ({ statusCode: 400, data: { statusCode: 400, message: 'Invalid query', data: { issues } } })
  it('maps each issue to the filter field it is about', () => {
    expect(fieldIssues(error([
      { path: 'minBilledCents', message: 'must be a number' },
      { path: 'maxBilledCents', message: 'must be whole cents' },
      { path: 'status[1]', message: 'must be one of submitted, pending' },
      { path: 'from', message: 'must not be after `to`' },
      { path: 'from', message: 'a second issue on from' },
      { path: 'limit', message: 'not a filter field' },
    ]))).toEqual({ minBilled: 'must be a number', maxBilled: 'must be whole cents', status: 'must be one of submitted, pending', from: 'must not be after `to`' })
  })
  it('reads nothing from other errors', () => {
    for (const e of [null, undefined, new Error('network'), { data: { message: 'x' } }, error('not a list'), error([{ path: 1, message: 2 }])]) expect(fieldIssues(e)).toEqual({})
  })
  it('writes arrays as repeated parameters', () => {
    expect(toSearch({ status: ['denied', 'paid'], payer: 'A&B, "C"', minBilledCents: 5 })).toBe('status=denied&status=paid&payer=A%26B%2C+%22C%22&minBilledCents=5')
  })
})

describe('claims filters in the URL', () => {
  it('reads a route query, dropping unknown statuses and sorts', () => {
    const f = filtersFromQuery({ status: ['denied', 'bogus', 'denied', 'paid'], payer: 'Aetna', sort: 'DROP TABLE', providerId: ['7', '8'] })
    expect(f.status).toEqual(['denied', 'paid'])
    expect(f.payer).toBe('Aetna')
    expect(f.providerId).toBe('7')
    expect(f.sort).toBe('-dateOfService')
  })

  it('writes back only what is set, keeping the cursor last', () => {
    const f = filtersFromQuery({ status: 'denied', sort: '-billedCents', payer: '  ' })
    expect(filtersToQuery(f)).toEqual({ status: 'denied', sort: '-billedCents' })
    expect(filtersToQuery(filtersFromQuery({}), 'abc')).toEqual({ cursor: 'abc' })
    expect(filtersToQuery({ ...f, status: ['denied', 'appealed'] })).toMatchObject({ status: ['denied', 'appealed'] })
  })

  it('round-trips through the URL unchanged', () => {
    const query = { status: ['denied', 'appealed'], providerId: '12', from: '2026-01-01', to: '2026-03-31', minBilled: '100', sort: 'billedCents' }
    expect(filtersToQuery(filtersFromQuery(query))).toEqual(query)
  })

  it('builds the API query: dollars to cents, reason upper-cased, an unreadable amount as typed', () => {
    const f = filtersFromQuery({ minBilled: '1,250.50', maxBilled: 'lots', denialReason: 'co-16', status: 'denied' })
    // 'lots' goes to the API, whose 400 names maxBilledCents, rather than being dropped (which
    // would list every amount while the field still shows 'lots').
    expect(filtersToApi(f)).toEqual({ sort: '-dateOfService', status: ['denied'], denialReason: 'CO-16', minBilledCents: 125050, maxBilledCents: 'lots' })
    expect(filtersToApi(filtersFromQuery({ minBilled: '  ' }))).toEqual({ sort: '-dateOfService' })
    expect(dollarsToCents('$99')).toBe(9900)
    expect(dollarsToCents('1.234')).toBeUndefined()
    expect(describeFilters(f)).toBe('denied, CO-16, billed 1,250.50–∞')
    expect(describeFilters(filtersFromQuery({ minBilled: 'abc' }))).toBe('all claims')
    expect(describeFilters(filtersFromQuery({}))).toBe('all claims')
  })

  it('keeps a stack of earlier cursors for Previous', () => {
    let stack: string[] = []
    stack = nextStack(stack, '')
    stack = nextStack(stack, 'c2')
    expect(previousPage(stack)).toEqual({ cursor: 'c2', stack: [''] })
    expect(previousPage([''])).toEqual({ cursor: '', stack: [] })
    expect(previousPage([])).toEqual({ cursor: '', stack: [] })
  })
})

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell(-1)).toBe('-1')
    expect(csvCell(null)).toBe('')
  })

  it('writes claims in the header\'s column order', () => {
    expect(claimsCsvHeader()).toBe('id,source,sourceId,providerId,payer,patientRef,cptCode,dateOfService,submittedAt,status,denialReason,billedCents,paidCents\r\n')
    const row = { paidCents: 0, id: 7, source: 'ehr', sourceId: 'A,1', providerId: 3, payer: 'Aetna', patientRef: 'PT1', cptCode: '99213', dateOfService: '2026-01-02', submittedAt: '2026-01-03T00:00:00.000Z', status: 'denied', denialReason: 'CO-16', billedCents: 1200 }
    expect(claimsCsvLines([row])).toBe('7,ehr,"A,1",3,Aetna,PT1,99213,2026-01-02,2026-01-03T00:00:00.000Z,denied,CO-16,1200,0\r\n')
  })
})

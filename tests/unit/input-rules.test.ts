// Days and instants that have not happened yet, and query parameters a route does not take.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ClaimInput } from '../../server/services/claims/schemas.ts'
import { HealthPointInput, IntakeInput } from '../../server/services/health/schemas.ts'
import { searchOf, unknownParams } from '../../server/services/query-params.ts'
import { CLOCK_SKEW_MS, pastDay, pastInstant } from '../../server/services/schemas.ts'
import { VALID } from '../body-schemas.ts'

const NOW = Date.parse('2026-12-01T23:58:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

describe('the future is refused', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
  })
  afterEach(() => vi.useRealTimers())

  it('a date of service is today (UTC) at the latest', () => {
    expect(pastDay.safeParse('2026-12-01').success).toBe(true)
    expect(pastDay.safeParse('2026-12-02').error!.issues.map(i => i.message)).toEqual(['must not be after today (UTC)'])
    const claim = ClaimInput.safeParse({ ...VALID.ClaimInput, dateOfService: '2026-12-02' })
    expect(claim.error!.issues.map(i => i.path.join('.'))).toEqual(['dateOfService'])
    // Two minutes later it is the 2nd in UTC, and the 2nd is accepted.
    vi.setSystemTime(NOW + 2 * 60_000)
    expect(pastDay.safeParse('2026-12-02').success).toBe(true)
  })

  it('an instant may be at most the clock-skew allowance ahead, for every stored instant', () => {
    expect(CLOCK_SKEW_MS).toBe(5 * 60_000)
    expect(pastInstant.safeParse(iso(NOW + CLOCK_SKEW_MS)).success).toBe(true)
    expect(pastInstant.safeParse(iso(NOW + CLOCK_SKEW_MS + 1000)).error!.issues[0]!.message).toMatch(/must not be in the future/)
    // The offset counts: 01:00 on the 2nd at +02:00 is 23:00 on the 1st in UTC, an hour ago.
    expect(pastInstant.safeParse('2026-12-02T01:00:00+02:00').success).toBe(true)
    expect(pastInstant.safeParse('2026-12-01T23:00:00-02:00').success).toBe(false)
    const ahead = iso(NOW + 3_600_000)
    for (const [schema, field, fixture] of [[ClaimInput, 'submittedAt', VALID.ClaimInput], [HealthPointInput, 'at', VALID.HealthPointInput], [IntakeInput, 'takenAt', VALID.IntakeInput]] as const) {
      expect(schema.safeParse({ ...fixture, [field]: iso(NOW - 60_000) }).success, field).toBe(true)
      expect(schema.safeParse({ ...fixture, [field]: ahead }).error!.issues.map(i => i.path.join('.')), field).toEqual([field])
    }
  })

  it('an instant needs an offset and is not before 1970, one issue each', () => {
    expect(pastInstant.safeParse('2026-01-06T09:00:00').error!.issues.map(i => i.message)).toEqual(['must be an ISO 8601 instant with an offset, like 2026-06-01T07:30:00Z'])
    expect(pastInstant.safeParse('1969-12-31T23:59:59Z').error!.issues.map(i => i.message)).toEqual(['must not be before 1970'])
  })
})

describe('unknown query parameters', () => {
  it('reads the query part of a path', () => {
    expect(searchOf('/api/v1/claims')).toBe('')
    expect(searchOf('/api/v1/claims?a=1&b=2#frag')).toBe('a=1&b=2')
  })

  it('names each parameter the route does not take, once, and says what it takes', () => {
    expect(unknownParams('limit=5&patientRef=P1&patientRef=P2&x', ['limit', 'cursor'])).toEqual([
      { path: 'patientRef', message: 'is not a parameter of this route (it takes limit, cursor)' },
      { path: 'x', message: 'is not a parameter of this route (it takes limit, cursor)' },
    ])
    expect(unknownParams('', [])).toEqual([])
    expect(unknownParams('a=1', [])).toEqual([{ path: 'a', message: 'is not a parameter of this route (it takes none)' }])
  })

  it('sees names a query parser would drop, and decodes them as the parser does', () => {
    expect(unknownParams('__proto__=1&constructor=2', ['limit']).map(i => i.path)).toEqual(['__proto__', 'constructor'])
    expect(unknownParams('li%6Dit=1&status%5B%5D=x', ['limit', 'status']).map(i => i.path)).toEqual(['status[]'])
  })
})

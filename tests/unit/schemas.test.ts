import { describe, expect, it } from 'vitest'
import { ClaimInput } from '../../server/services/claims/schemas.ts'
import { isoDay, numeric } from '../../server/services/schemas.ts'

describe('numeric() (numbers in query strings and CSV cells)', () => {
  const n = numeric()
  it.each([['12', 12], [' 7 ', 7], ['-3.5', -3.5], ['.5', 0.5], ['1e3', 1000], ['+4', 4], [42, 42]])('reads %j as %j', (input, value) => {
    expect(n.parse(input)).toBe(value)
  })

  it.each(['0x10', '0b101', '0o17', 'Infinity', '-Infinity', 'NaN', '1,000', '12abc', '', ' ', 'true'])('refuses %j with "must be a number"', (input) => {
    const result = n.safeParse(input)
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.message).toBe('must be a number')
  })

  it('refuses null and booleans rather than reading them as 0 and 1', () => {
    expect(n.safeParse(null).success).toBe(false)
    expect(n.safeParse(true).success).toBe(false)
  })
})

describe('calendar days', () => {
  it('refuses days that Date.parse would roll over, as a date and inside an instant', () => {
    expect(isoDay.safeParse('2024-02-29').success).toBe(true)
    expect(isoDay.safeParse('2026-02-29').error!.issues[0]!.message).toBe('is not a calendar date')
    expect(isoDay.safeParse('2026-13-01').success).toBe(false)
    const claim = { source: 's', sourceId: '1', providerId: 1, payer: 'Aetna', patientRef: 'PT-1', cptCode: '99213', dateOfService: '2026-02-27', status: 'paid', billedCents: 100 }
    expect(ClaimInput.safeParse({ ...claim, submittedAt: '2026-02-28T10:00:00Z' }).success).toBe(true)
    const rolled = ClaimInput.safeParse({ ...claim, submittedAt: '2026-02-30T10:00:00Z' })
    expect(rolled.error!.issues.map(i => i.path.join('.'))).toEqual(['submittedAt'])
  })
})

import { describe, expect, it } from 'vitest'
import { numeric } from '../../server/services/schemas.ts'

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

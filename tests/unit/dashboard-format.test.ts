import { describe, expect, it } from 'vitest'
import { addDays, bucketFor, daysBetween, isDay, matchPreset, presetRange } from '../../utils/date-ranges.ts'
import { apiErrorMessage } from '../../utils/errors.ts'
import { formatBytes, formatCents, formatDuration, formatInstant, formatMs, formatPercent, formatTrend } from '../../utils/format.ts'
import { safeRedirect } from '../../utils/redirect.ts'

describe('formatting', () => {
  it('shows money, ratios, trends, durations and sizes as an operator reads them', () => {
    expect(formatCents(123456789)).toBe('$1,234,568')
    expect(formatCents(123456, true)).toBe('$1,234.56')
    expect(formatCents(null)).toBe('–')
    expect(formatPercent(0.0712)).toBe('7.1%')
    expect(formatPercent(Number.NaN)).toBe('–')
    expect(formatTrend(0.25)).toBe('+25%')
    expect(formatTrend(-0.08)).toBe('−8%')
    expect(formatTrend(0)).toBe('±0%')
    expect(formatTrend(null)).toBe('new')
    expect(formatMs(0.4)).toBe('0.40 ms')
    expect(formatMs(42.4)).toBe('42 ms')
    expect(formatMs(1520)).toBe('1.52 s')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB')
    expect(formatDuration(90061)).toBe('1d 1h')
    expect(formatDuration(125)).toBe('2m 5s')
    expect(formatInstant('2026-06-30T14:05:09.123Z')).toBe('2026-06-30 14:05:09')
    expect(formatInstant('not a date')).toBe('–')
  })
})

describe('date ranges', () => {
  it('computes calendar quarters, including last quarter across a year boundary', () => {
    expect(presetRange('lastQuarter', '2026-11-25')).toEqual({ from: '2026-07-01', to: '2026-09-30' })
    expect(presetRange('lastQuarter', '2026-02-10')).toEqual({ from: '2025-10-01', to: '2025-12-31' })
    expect(presetRange('lastQuarter', '2026-05-01')).toEqual({ from: '2026-01-01', to: '2026-03-31' })
    expect(presetRange('thisQuarter', '2026-11-25')).toEqual({ from: '2026-10-01', to: '2026-11-25' })
    expect(presetRange('ytd', '2026-11-25')).toEqual({ from: '2026-01-01', to: '2026-11-25' })
  })

  it('counts inclusive days and picks a readable bucket', () => {
    const last30 = presetRange('last30', '2026-03-01')
    expect(last30).toEqual({ from: '2026-01-31', to: '2026-03-01' })
    expect(daysBetween(last30)).toBe(30)
    expect(bucketFor(last30)).toBe('day')
    expect(bucketFor(presetRange('last90', '2026-03-01'))).toBe('week')
    expect(bucketFor(presetRange('last365', '2026-03-01'))).toBe('month')
  })

  it('recognises a preset range and rejects impossible days', () => {
    expect(matchPreset({ from: '2026-07-01', to: '2026-09-30' }, '2026-11-25')).toBe('lastQuarter')
    expect(matchPreset({ from: '2026-07-02', to: '2026-09-30' }, '2026-11-25')).toBeUndefined()
    expect(isDay('2026-02-28')).toBe(true)
    expect(isDay('2026-02-30')).toBe(false)
    expect(isDay(['2026-02-28'])).toBe(false)
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })
})

describe('after sign-in', () => {
  it('goes only to a path on this site', () => {
    expect(safeRedirect('/claims?status=denied')).toBe('/claims?status=denied')
    expect(safeRedirect(['/denials'])).toBe('/denials')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('/\\evil.example')).toBe('/')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect('/login?redirect=/x')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})

describe('API error messages', () => {
  it('shows the status and the API\'s message', () => {
    expect(apiErrorMessage({ statusCode: 400, data: { message: 'Invalid query: limit must be…' } })).toBe('400: Invalid query: limit must be…')
    expect(apiErrorMessage({ statusCode: 404, statusMessage: 'Not Found' })).toBe('Not available (404): Not Found')
    expect(apiErrorMessage(new Error('fetch failed'))).toBe('fetch failed')
    expect(apiErrorMessage(null)).toBe('Something went wrong')
  })
})

import { describe, expect, it } from 'vitest'
import { markerCorrelation, personRange, rowsOf } from '../../utils/health-api.ts'
import { describeAlert, jobProgress, jobRuns } from '../../utils/ops-api.ts'
import { hasFullScan, highlightSql, indexesInPlan } from '../../utils/sql-highlight.ts'

describe('SQL highlighting', () => {
  it('marks keywords, strings, numbers, parameters and comments, and loses no character', () => {
    const sql = "SELECT id FROM claims -- why\nWHERE status = 'denied' AND billed_cents > 100 AND id < @cursor"
    const tokens = highlightSql(sql)
    expect(tokens.map(t => t.text).join('')).toBe(sql)
    const kinds = (kind: string) => tokens.filter(t => t.kind === kind).map(t => t.text)
    expect(kinds('keyword')).toEqual(['SELECT', 'FROM', 'WHERE', 'AND', 'AND'])
    expect(kinds('string')).toEqual(["'denied'"])
    expect(kinds('number')).toEqual(['100'])
    expect(kinds('param')).toEqual(['@cursor'])
    expect(kinds('comment')).toEqual(['-- why'])
  })

  it('keeps markup as text', () => {
    const tokens = highlightSql("SELECT '<script>alert(1)</script>'")
    expect(tokens.find(t => t.kind === 'string')!.text).toBe("'<script>alert(1)</script>'")
  })

  it('reads the indexes a plan uses, and whether it scans a whole table', () => {
    const plan = 'SEARCH claims USING COVERING INDEX idx_claims_status_date (status=?)\nSEARCH providers USING INDEX idx_providers_name (name>?)\nUSE TEMP B-TREE FOR ORDER BY'
    expect(indexesInPlan(plan)).toEqual(['idx_claims_status_date', 'idx_providers_name'])
    expect(hasFullScan(plan)).toBe(false)
    expect(hasFullScan('SCAN claims')).toBe(true)
    expect(hasFullScan('SCAN claims USING COVERING INDEX idx_claims_billed')).toBe(false)
    expect(hasFullScan('SCAN CONSTANT ROW')).toBe(false)
    expect(indexesInPlan(null)).toEqual([])
  })
})

describe('reading health and operations answers', () => {
  it('takes a person\'s last 90 days, not before their first day', () => {
    expect(personRange({ personId: 'p', firstDay: '2026-01-01', lastDay: '2026-06-30', metrics: [] }, 90)).toEqual({ from: '2026-04-02', to: '2026-06-30' })
    expect(personRange({ personId: 'p', firstDay: '2026-06-01', lastDay: '2026-06-30', metrics: [] }, 90)).toEqual({ from: '2026-06-01', to: '2026-06-30' })
    expect(personRange(undefined, 90)).toBeUndefined()
  })

  it('marks intake days with the lag-0 correlation when there is one', () => {
    expect(markerCorrelation([{ id: 5, lagDays: 2 }, { id: 9, lagDays: 0 }, { id: 3, lagDays: 1 }])).toEqual({ id: 9, lagDays: 0 })
    expect(markerCorrelation([])).toBeUndefined()
    expect(rowsOf({ data: [1, 2] })).toEqual([1, 2])
    expect(rowsOf(null)).toEqual([])
  })

  it('finds job runs however the list is wrapped', () => {
    const run = { id: 1, task: 'backup', status: 'succeeded' }
    expect(jobRuns({ data: [run] })).toEqual([run])
    expect(jobRuns({ jobs: [run] })).toEqual([run])
    expect(jobRuns([run])).toEqual([run])
    expect(jobRuns({ nothing: true })).toEqual([])
    expect(jobProgress({ ...run, status: 'running', result: { progress: { done: 3, total: 24 } } })).toBe('3 / 24')
    expect(jobProgress({ ...run, result: { progress: { done: 24, total: 24 } } })).toBeUndefined()
  })

  it('describes an alert by its rule and its scalar fields', () => {
    expect(describeAlert({ rule: 'p95', state: 'firing', value: 812.3456, threshold: 500, extra: { a: 1 } }))
      .toEqual({ name: 'p95', detail: 'state firing · value 812.346 · threshold 500' })
  })
})

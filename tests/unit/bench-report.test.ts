// The bench harness's pure logic: percentiles, ratios, target checks and the markdown report.
import { describe, expect, it } from 'vitest'
import { checkTarget, fmtInt, fmtMs, fmtRatio, markdownTable, renderMarkdown, reportStamp, type BenchReport } from '../../scripts/bench/lib/report.ts'
import { compareLoops, median, percentile, ratio, summarize } from '../../scripts/bench/lib/stats.ts'

describe('bench statistics', () => {
  it('interpolates percentiles between closest ranks, whatever the input order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i) // 100..1, unsorted
    expect(percentile(samples, 50)).toBeCloseTo(50.5, 10)
    expect(percentile(samples, 95)).toBeCloseTo(95.05, 10)
    expect(percentile(samples, 0)).toBe(1)
    expect(percentile(samples, 100)).toBe(100)
    expect(samples[0]).toBe(100) // the input is not sorted in place
    expect(median([7])).toBe(7)
    expect(median([1, 2, 3, 10])).toBe(2.5)
    expect(percentile([], 50)).toBeNaN()
  })

  it('summarises a large sample without spreading it into arguments', () => {
    const samples = Array.from({ length: 300_000 }, (_, i) => i % 1000)
    const s = summarize(samples)
    expect(s.count).toBe(300_000)
    expect(s.max).toBe(999)
    expect(s.p50).toBeCloseTo(499.5, 0)
    expect(s.p99).toBeGreaterThan(985)
    expect(summarize([]).max).toBeNaN()
  })

  it('answers NaN rather than 0 or Infinity for a ratio of nothing', () => {
    expect(ratio(3, 2)).toBe(1.5)
    expect(ratio(3, 0)).toBeNaN()
    expect(ratio(Number.NaN, 2)).toBeNaN()
  })

  it('times a slower function as slower', () => {
    const spin = (ms: number) => () => {
      const until = performance.now() + ms
      while (performance.now() < until) { /* busy */ }
    }
    const [slow, fast] = compareLoops([spin(0.5), spin(0.05)], { targetMs: 5, rounds: 3 })
    expect(slow).toBeGreaterThan(0.45)
    expect(slow! / fast!).toBeGreaterThan(3)
  })
})

describe('bench report', () => {
  it('formats milliseconds, ratios and counts for people, and a missing figure as a dash', () => {
    expect(fmtMs(0.0443)).toBe('44.3 µs')
    expect(fmtMs(2.111)).toBe('2.11 ms')
    expect(fmtMs(17.64)).toBe('17.6 ms')
    expect(fmtMs(5126.2)).toBe('5,126 ms')
    expect(fmtMs(Number.NaN)).toBe('–')
    expect(fmtRatio(1.071)).toBe('1.07×')
    expect(fmtRatio(Number.POSITIVE_INFINITY)).toBe('–')
    expect(fmtInt(15604.6)).toBe('15,605')
  })

  it('checks targets in their direction and says when one was not measured', () => {
    expect(checkTarget('list p95', 9.9, '<', 10, fmtMs)).toEqual({ label: 'list p95', goal: '< 10.0 ms', measured: '9.90 ms', met: true })
    expect(checkTarget('list p95', 10, '<', 10, fmtMs).met).toBe(false)
    expect(checkTarget('depth', 1.5, '<=', 1.5, fmtRatio)).toMatchObject({ goal: '≤ 1.50×', met: true })
    expect(checkTarget('ingest', 49_999, '>=', 50_000, fmtInt)).toMatchObject({ goal: '≥ 50,000', measured: '49,999', met: false })
    expect(checkTarget('ingest', Number.NaN, '>=', 50_000, fmtInt)).toMatchObject({ measured: '–', met: null })
  })

  it('writes a markdown table whose cells cannot break the row', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | 1 |')
  })

  it('renders the header, the targets and every scenario from one report', () => {
    const report: BenchReport = {
      startedAt: '2026-11-25T08:30:00.000Z',
      finishedAt: '2026-11-25T08:34:10.000Z',
      machine: { nproc: 2, cpuModel: 'AMD EPYC', node: 'v24.21.0', platform: 'linux-x64', pinning: 'Server pinned to core 0.' },
      database: { description: '1,000,000 claims' },
      scenarios: [{
        name: 'ingest',
        title: 'Bulk ingest',
        columns: ['path', 'claims/s'],
        rows: [['API', '20,869']],
        targets: [checkTarget('ingest', 20_869, '>=', 50_000, fmtInt), checkTarget('ratio', 1.02, '<=', 1.15, fmtRatio)],
        notes: ['On a copy.'],
        data: {},
      }],
    }
    const md = renderMarkdown(report)
    expect(md).toContain('### Benchmark run of 2026-11-25 08:30 UTC')
    expect(md).toContain('Machine: 2 cores, AMD EPYC; Node v24.21.0 on linux-x64. Server pinned to core 0.')
    expect(md).toContain('Whole run: 250 s.')
    expect(md).toContain('| ingest | ≥ 50,000 | 20,869 | **no** |')
    expect(md).toContain('| ratio | ≤ 1.15× | 1.02× | yes |')
    expect(md).toContain('#### Bulk ingest (`ingest`)\n\n| path | claims/s |\n| --- | --- |\n| API | 20,869 |\n\n- On a copy.')
  })

  it('stamps report files with a sortable name that every file system accepts', () => {
    expect(reportStamp('2026-11-25T08:30:05.123Z')).toBe('2026-11-25T08-30-05Z')
  })
})

import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DROPPED_DEFAULT_METRICS, metricsText, observeRequest } from '../../server/services/monitoring/prometheus.ts'
import { recordExecution, statementStats } from '../../server/services/query/stats.ts'
import { lintMetrics } from '../prometheus-lint.ts'

const GOOD = `# HELP req_total Requests
# TYPE req_total counter
req_total{method="GET"} 3
# HELP lat_seconds Latency
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1",route="/a"} 1
lat_seconds_bucket{le="+Inf",route="/a"} 2
lat_seconds_sum{route="/a"} 0.3
lat_seconds_count{route="/a"} 2
`

/** promtool, when the machine has it (Debian's `prometheus` package ships it; .ci/run installs it). */
const promtool = spawnSync('promtool', ['--version']).status === 0

function promtoolCheck(text: string): { ok: boolean, output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` }
}

describe('the promtool rules (tests/prometheus-lint.ts)', () => {
  it('pass a well-formed exposition', () => {
    expect(lintMetrics(GOOD)).toEqual([])
  })

  it.each([
    ['a gauge ending in _total', '# HELP a_total x\n# TYPE a_total gauge\na_total 1\n', 'non-counter metrics should not have "_total" suffix', true],
    ['a counter without _total', '# HELP reqs x\n# TYPE reqs counter\nreqs 1\n', 'counter metrics should have "_total" suffix', true],
    ['no HELP', '# TYPE a gauge\na 1\n', 'no help text', true],
    ['no TYPE line before a sample', 'a 1\n', 'no TYPE or HELP', true],
    ['camelCase', '# HELP reqLatency_seconds x\n# TYPE reqLatency_seconds gauge\nreqLatency_seconds 1\n', 'snake_case', true],
    ['milliseconds', '# HELP lat_ms x\n# TYPE lat_ms gauge\nlat_ms 1\n', 'base units', false],
    ['a duplicate series', '# HELP a x\n# TYPE a gauge\na{b="1"} 1\na{b="1"} 2\n', 'duplicate series', false],
    ['a bucket without le', GOOD.replace('lat_seconds_bucket{le="0.1",route="/a"}', 'lat_seconds_bucket{route="/a"}'), 'without "le"', false],
    ['no +Inf bucket', GOOD.replace(/^lat_seconds_bucket\{le="\+Inf".*\n/m, ''), 'no le="+Inf" bucket', false],
    ['+Inf not _count', GOOD.replace('lat_seconds_count{route="/a"} 2', 'lat_seconds_count{route="/a"} 5'), 'is not _count', false],
    ['buckets not cumulative', GOOD.replace('le="0.1",route="/a"} 1', 'le="0.1",route="/a"} 7').replace('le="+Inf",route="/a"} 2', 'le="+Inf",route="/a"} 3').replace('count{route="/a"} 2', 'count{route="/a"} 3'), 'not cumulative', false],
    ['a stray histogram sample', `${GOOD}lat_seconds_max{route="/a"} 1\n`, 'no TYPE or HELP', true],
  // The last column: promtool 2.42 refuses it too (it does not check histogram series or
  // duplicates, which Prometheus itself refuses on scrape, so these rules go further).
  ])('refuse %s', (_, text, problem, promtoolToo) => {
    expect(lintMetrics(text).join('\n')).toContain(problem)
    if (promtool && promtoolToo) expect(promtoolCheck(text).ok).toBe(false)
  })

  it('pass the portal\'s own /metrics registry, default process metrics included', async () => {
    observeRequest('GET', '/api/v1/claims/:id', 200, 12)
    observeRequest('POST', '/api/v1/claims', 400, 3)
    // A statement's execution, as the query layer records it (db_query_duration_seconds).
    recordExecution(statementStats('claims.byId', 'SELECT * FROM claims WHERE id = ?'), 0.4, 1)
    const { body } = await metricsText()
    expect(body).toContain('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/claims/:id",status="200"} 1')
    expect(body).toContain('# TYPE nodejs_active_handles gauge')
    expect(body).toContain('db_query_duration_seconds_count{query="claims.byId"} 1')
    for (const name of DROPPED_DEFAULT_METRICS) expect(body).not.toContain(`${name} `)
    expect(lintMetrics(body)).toEqual([])
    if (promtool) expect(promtoolCheck(body)).toEqual({ ok: true, output: '' })
  })
})

describe.runIf(promtool)('promtool itself', () => {
  it('is the one the machine has', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version \d/)
  })
})

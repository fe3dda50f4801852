import { describe, expect, it } from 'vitest'
import { AlertEvaluator, DEFAULT_RULES, webhookNotifier, type AlertEvent } from '../../server/services/monitoring/alerts.ts'
import { evaluateChecks, overallStatus } from '../../server/services/monitoring/health.ts'
import type { Snapshot } from '../../server/services/monitoring/measures.ts'

const rules = [
  { name: 'slow', measure: 'requests.p95Ms' as const, threshold: 500, bad: 'above' as const },
  { name: 'cold', measure: 'cache.hitRate' as const, threshold: 0.5, bad: 'below' as const },
]

describe('AlertEvaluator', () => {
  it('fires when a measure crosses its threshold, once, and resolves when it is back', () => {
    const sent: AlertEvent[] = []
    const alerts = new AlertEvaluator(rules, e => sent.push(e))
    expect(alerts.evaluate({ 'requests.p95Ms': 100, 'cache.hitRate': 0.9 }, 1000)).toEqual([])
    expect(alerts.evaluate({ 'requests.p95Ms': 800, 'cache.hitRate': 0.2 }, 2000).map(e => `${e.rule}:${e.state}`)).toEqual(['slow:firing', 'cold:firing'])
    expect(alerts.evaluate({ 'requests.p95Ms': 900, 'cache.hitRate': 0.3 }, 3000)).toEqual([])
    expect(alerts.report().firing).toEqual([
      { name: 'slow', measure: 'requests.p95Ms', value: 900, threshold: 500, since: new Date(2000).toISOString() },
      { name: 'cold', measure: 'cache.hitRate', value: 0.3, threshold: 0.5, since: new Date(2000).toISOString() },
    ])
    expect(alerts.evaluate({ 'requests.p95Ms': 100, 'cache.hitRate': null }, 4000).map(e => `${e.rule}:${e.state}`)).toEqual(['slow:resolved'])
    // No data (null) neither fires nor resolves.
    expect(alerts.report().firing.map(f => f.name)).toEqual(['cold'])
    expect(sent.map(e => `${e.rule}:${e.state}`)).toEqual(['slow:firing', 'cold:firing', 'slow:resolved'])
    expect(alerts.report().history[0]).toMatchObject({ rule: 'slow', state: 'resolved', value: 100, threshold: 500 })
  })

  it('posts each change to the webhook as JSON and survives a failing webhook', async () => {
    const posts: { url: string, body: any }[] = []
    const ok = webhookNotifier('http://hooks.example/alert', (async (url: string, init: RequestInit) => {
      posts.push({ url, body: JSON.parse(String(init.body)) })
      return new Response(null, { status: 204 })
    }) as typeof fetch)
    const failing = webhookNotifier('http://hooks.example/down', (async () => { throw new Error('ECONNREFUSED') }) as typeof fetch)
    const event: AlertEvent = { rule: 'slow', measure: 'requests.p95Ms', state: 'firing', value: 800, threshold: 500, at: '2026-06-01T00:00:00.000Z' }
    ok(event)
    failing(event)
    await new Promise(r => setTimeout(r, 10))
    expect(posts).toEqual([{ url: 'http://hooks.example/alert', body: { source: 'analytics-portal', ...event } }])
  })

  it('the default rules are the health checks', () => {
    expect(DEFAULT_RULES.map(r => r.name)).toEqual(['p95', 'errorRate', 'eventLoopP99', 'dbPing', 'walSize', 'cacheHitRate', 'backupAge', 'statsAge'])
  })
})

describe('health checks', () => {
  const snapshot = (measures: Partial<Snapshot['measures']>, analyzedTables = 5) => ({
    db: { analyzedTables },
    measures: {
      'requests.p95Ms': 20, 'requests.errorRate': 0, 'process.eventLoopP99Ms': 10, 'db.pingMs': 0.2, 'db.walBytes': 1000,
      'cache.hitRate': 0.9, 'db.backupAgeHours': 2, 'db.statsAgeHours': null, ...measures,
    },
  }) as unknown as Snapshot

  it('healthy when every check is within its threshold', () => {
    const checks = evaluateChecks(snapshot({}))
    expect(checks.every(c => c.status === 'ok')).toBe(true)
    expect(overallStatus(checks)).toBe('healthy')
  })

  it('degraded on a warning, unhealthy on a failure', () => {
    const slow = evaluateChecks(snapshot({ 'requests.p95Ms': 1500 }))
    expect(slow.find(c => c.name === 'p95')).toMatchObject({ status: 'warn', value: 1500, threshold: 1000 })
    expect(overallStatus(slow)).toBe('degraded')
    const down = evaluateChecks(snapshot({ 'db.pingMs': null }))
    expect(down.find(c => c.name === 'dbPing')).toMatchObject({ status: 'fail', value: null })
    expect(overallStatus(down)).toBe('unhealthy')
    expect(overallStatus(evaluateChecks(snapshot({ 'requests.errorRate': 0.2 })))).toBe('unhealthy')
  })

  it('warns when there was never a backup, or never an ANALYZE', () => {
    expect(evaluateChecks(snapshot({ 'db.backupAgeHours': null })).find(c => c.name === 'backupAge')!.status).toBe('warn')
    expect(evaluateChecks(snapshot({}, 0)).find(c => c.name === 'statsAge')!.status).toBe('warn')
    expect(evaluateChecks(snapshot({}, 3)).find(c => c.name === 'statsAge')!.status).toBe('ok')
  })
})

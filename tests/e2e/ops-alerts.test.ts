// Alerts end to end: a rule fires and resolves on the portal's own measures, and each change is
// posted to NUXT_ALERT_WEBHOOK_URL. The cache hit-rate rule is the one a client can move.
import { createServer } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const received: any[] = []
const hook = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => { body += chunk })
  req.on('end', () => {
    received.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) })
    res.writeHead(204).end()
  })
})
await new Promise<void>(done => hook.listen(0, '127.0.0.1', done))
const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/alerts`
afterAll(() => new Promise(done => hook.close(done)))

const portal = await usePortal({ seed: { claims: 1000 }, env: { NUXT_ALERT_WEBHOOK_URL: hookUrl, NUXT_ALERT_INTERVAL_MS: '1000' } })

async function until(ok: () => boolean, ms: number) {
  const deadline = Date.now() + ms
  while (!ok() && Date.now() < deadline) await new Promise(r => setTimeout(r, 100))
}

describe('alerts', () => {
  it('fires when the cache hit rate falls below its threshold and resolves when it recovers, posting both', async () => {
    // 120 different claims: 120 misses, a hit rate of 0 over more than the 100 lookups the rule needs.
    for (let id = 1; id <= 120; id++) await fetch(`/api/v1/claims/${id}`, auth(portal.keys.viewer))
    // Only this rule is under the test's control (a loaded machine may trip the event-loop rule).
    const mine = () => received.filter(r => r.body.rule === 'cacheHitRate')
    await until(() => mine().some(r => r.body.state === 'firing'), 5000)
    const firing = mine().find(r => r.body.state === 'firing')
    expect(firing).toMatchObject({ method: 'POST', type: 'application/json', body: { rule: 'cacheHitRate', measure: 'cache.hitRate', value: 0, threshold: 0.5 } })
    const during = await (await fetch('/api/v1/admin/alerts', auth(portal.keys.admin))).json() as any
    expect(during.firing).toContainEqual(expect.objectContaining({ name: 'cacheHitRate', value: 0, threshold: 0.5, since: expect.any(String) }))

    // 200 hits of one entry lift the rate above 0.5.
    for (let i = 0; i < 200; i++) await fetch('/api/v1/claims/1', auth(portal.keys.viewer))
    await until(() => mine().some(r => r.body.state === 'resolved'), 5000)
    expect(mine().map(r => r.body.state)).toEqual(['firing', 'resolved'])
    const after = await (await fetch('/api/v1/admin/alerts', auth(portal.keys.admin))).json() as any
    expect(after.firing.map((f: any) => f.name)).not.toContain('cacheHitRate')
    expect(after.history.filter((h: any) => h.rule === 'cacheHitRate').map((h: any) => h.state)).toEqual(['resolved', 'firing'])
  })
})

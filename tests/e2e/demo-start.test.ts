// `npm start` on an empty database: demo data is seeded and correlations are recomputed at once, so
// the portal shows findings without waiting for the daily scheduled recompute.
import { describe, expect, it } from 'vitest'
import { $fetch, auth, usePortal } from './portal.ts'

const portal = await usePortal({ env: { NUXT_SEED_DEMO: 'true' } })

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  let value = await read()
  while (!done(value) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200))
    value = await read()
  }
  return value
}

describe('start on an empty database', () => {
  it('seeds the demo data set and queues a recompute of everyone that finishes with insights', async () => {
    const key = auth(portal.keys.viewer)
    const claims = await $fetch<any>('/api/v1/claims?limit=1&count=true', key)
    expect(claims.page.total).toBe(60_000)
    const jobs = await until(() => $fetch<any>('/api/v1/admin/jobs', auth(portal.keys.admin)), j => j.data.some((r: any) => r.status === 'succeeded'))
    const run = jobs.data.find((r: any) => r.task === 'correlations.recompute')
    expect(run).toMatchObject({ status: 'succeeded', result: { people: 24 } })
    expect(run.result.significant).toBeGreaterThan(0)
    // P00001 carries the first planted effect (magnesium → sleep the next day).
    const insights = await $fetch<any>('/api/v1/insights?personId=P00001', key)
    expect(insights.data.map((i: any) => [i.supplementId, i.metric, i.lagDays])).toContainEqual(['magnesium', 'sleep_minutes', 1])
  })
})

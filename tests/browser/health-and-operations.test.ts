// The health-data, correlations and operations pages in Chromium, against the built server.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN, ADMIN_KEY, ARTIFACTS, canvasInk, jsShipped, navigationTiming, openSession, pageJs, PHONE, screenshot, signIn, startPortal, visit, type Session } from './harness.ts'

const portal = await startPortal()
const timings: Record<string, unknown> = {}
let admin: Session

beforeAll(async () => {
  admin = await openSession(portal)
  await signIn(admin.page, ADMIN.email, ADMIN.password)
})

// Each test answers for the console errors of its own pages.
beforeEach(() => {
  if (admin) admin.errors.length = 0
})

async function open(path: string, name: string) {
  const wall = await visit(admin.page, path, admin.scripts)
  const charts = await admin.page.locator('canvas').count() > 0
  timings[name] = { wallMs: wall, ...(await navigationTiming(admin.page)), js: await pageJs(portal, admin.context, path, charts), jsWithPrefetch: jsShipped(admin.scripts) }
  writeFileSync(join(ARTIFACTS, 'timings-operations.json'), `${JSON.stringify(timings, null, 2)}\n`)
}

/** Correlations exist once the recompute job has run over the seeded people. */
async function computeCorrelations(): Promise<void> {
  const res = await fetch(`${portal.url}/api/v1/correlations/recompute`, { method: 'POST', headers: { 'authorization': `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: '{}' })
  expect(res.status).toBe(202)
  const { jobId } = await res.json() as { jobId: number }
  const deadline = Date.now() + 60_000
  let status = 'queued'
  while (Date.now() < deadline && (status === 'queued' || status === 'running')) {
    await new Promise(r => setTimeout(r, 500))
    status = ((await (await portal.api(`/api/v1/jobs/${jobId}`)).json()) as { status: string }).status
  }
  expect(status).toBe('succeeded')
}

describe('health data', () => {
  it('draws a person\'s metric with its band and keeps the choice in the URL', async () => {
    await open('/health', 'health')
    const [ink] = await canvasInk(admin.page, 1)
    expect(ink).toBeGreaterThan(500)
    const metric = admin.page.getByRole('combobox', { name: 'Metric' })
    const other = (await metric.locator('option').evaluateAll(os => os.map(o => (o as HTMLOptionElement).value)))[1]!
    await metric.selectOption(other)
    await admin.page.waitForURL(u => u.searchParams.get('metric') === other)
    // The chart is drawn again for the new metric: its title names it, and it has ink.
    const label = (await metric.locator('option:checked').textContent())!.trim()
    await expect.poll(() => admin.page.locator('.chart-title').first().textContent()).toContain(label)
    const [after] = await canvasInk(admin.page, 1)
    expect(after).toBeGreaterThan(500)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'health')
  })
})

describe('correlations', () => {
  beforeAll(computeCorrelations, 90_000)

  it('lists correlations, sorts them, and plots the selected pair\'s days', async () => {
    await open('/correlations?significant=false', 'correlations')
    const rows = admin.page.getByTestId('correlations-table').locator('tbody tr')
    await expect.poll(() => rows.count()).toBeGreaterThan(0)
    const nHeader = admin.page.getByRole('button', { name: /^n/ })
    await nHeader.click()
    await expect.poll(() => nHeader.locator('xpath=..').getAttribute('aria-sort')).toBe('descending')
    const ns = (await rows.locator('td:nth-child(5)').allTextContents()).map(Number)
    expect(new Set(ns).size).toBeGreaterThan(1)
    expect(ns).toEqual([...ns].sort((a, b) => b - a))
    await rows.first().locator('a').click()
    await admin.page.waitForURL(u => u.searchParams.has('selected'))
    const [ink] = await canvasInk(admin.page, 1)
    expect(ink).toBeGreaterThan(100)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'correlations')
  })

  it('marks intake days on the health chart from the correlation\'s pairs', async () => {
    const list = await (await portal.api('/api/v1/correlations')).json() as { data: { personId: string, metric: string, supplementId: string }[] }
    expect(list.data.length).toBeGreaterThan(0)
    const c = list.data[0]!
    await open(`/health?personId=${c.personId}&metric=${c.metric}&supplementId=${c.supplementId}`, 'health-intake')
    await expect.poll(() => admin.page.locator('.chart-summary').first().textContent()).toMatch(/taken on \d+ days/)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'health-intake')
  })
})

const opsPages = [
  ['/admin/health', 'health-checks', 0, 'dbPing'],
  ['/admin/routes', 'routes-table', 1, '/api/v1/claims'],
  ['/admin/cache', 'cache-namespaces', 2, 'claims:metrics'],
  ['/admin/queries', 'queries-table', 0, 'claims.list'],
  ['/admin/indexes', null, 0, 'idx_claims_status_date'],
  ['/admin/jobs', 'jobs-table', 0, 'correlations.recompute'],
  ['/admin/alerts', null, 0, 'cacheHitRate'],
] as const

describe('operations pages', () => {
  for (const [path, table, charts, text] of opsPages) it(`${path} shows its data without console errors`, async () => {
    // Some traffic, so routes, cache and queries have something to show.
    for (const p of ['/api/v1/claims?limit=5', '/api/v1/claims/metrics', '/api/v1/claims/metrics', '/api/v1/providers']) await portal.api(p)
    await open(path, path.slice(1).replace('/', '-'))
    if (table) await expect.poll(() => admin.page.getByTestId(table).locator('tbody tr').count()).toBeGreaterThan(0)
    await expect.poll(() => admin.page.locator('main').textContent()).toContain(text)
    if (charts) expect((await canvasInk(admin.page, charts)).every(ink => ink > 500)).toBe(true)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, path.slice(1).replace('/', '-'))
  })

  it('backs up from the Health page: "Back up now" queues one, listed as verified once it is over', async () => {
    await open('/admin/health', 'admin-health-backup')
    const rows = admin.page.getByTestId('backups-table').locator('tbody tr')
    const before = await rows.count()
    await admin.page.getByRole('button', { name: 'Back up now' }).click()
    await expect.poll(() => admin.page.getByRole('status').textContent()).toMatch(/Backup queued as job #\d+/)
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(before + 1)
    await expect.poll(() => rows.first().textContent()).toMatch(/verified.*portal-\d{8}T\d{9}Z\.db/)
    await expect.poll(() => admin.page.locator('main').textContent()).not.toContain('Last backup: never')
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'admin-health-backup')
  })

  it('refreshes every 5 s without a loading flash or losing the scroll position', async () => {
    await open('/admin/queries', 'admin-queries')
    await admin.page.setViewportSize(PHONE)
    await admin.page.evaluate(() => {
      const w = window as unknown as { flashes: number }
      w.flashes = 0
      new MutationObserver(() => { if (document.querySelector('.state-loading')) w.flashes++ }).observe(document.body, { subtree: true, childList: true })
      window.scrollTo(0, 400)
    })
    const refreshed = await admin.page.locator('.subnav-row .muted').textContent()
    await expect.poll(() => admin.page.locator('.subnav-row .muted').textContent(), { timeout: 12_000 }).not.toBe(refreshed)
    expect(await admin.page.evaluate(() => window.scrollY)).toBe(400)
    expect(await admin.page.evaluate(() => (window as unknown as { flashes: number }).flashes)).toBe(0)
    await admin.page.setViewportSize({ width: 1280, height: 900 })
  })

  it('names the slowest query, and links a plan\'s index to the indexes page', async () => {
    await open('/admin/queries', 'admin-queries')
    const stats = await (await portal.api('/api/v1/admin/queries')).json() as { queries: { name: string, plan: string | null }[] }
    expect(stats.queries.map(q => q.name)).toContain(await admin.page.getByTestId('slowest-query').locator('strong').textContent())
    // Which query is slowest depends on the machine; any query whose plan uses an index links it.
    const indexed = stats.queries.find(q => /USING (?:COVERING )?INDEX idx_\w+/.test(q.plan ?? ''))!
    expect(indexed, 'some query uses a named index').toBeDefined()
    const row = admin.page.getByTestId('queries-table').locator('tr', { has: admin.page.locator(`summary code:text-is("${indexed.name}")`) })
    await row.locator('summary').click()
    const index = row.locator('a[href^="/admin/indexes#idx-"]').first()
    await expect.poll(() => index.count()).toBeGreaterThan(0)
    const name = (await index.textContent())!.trim()
    expect(indexed.plan).toContain(name)
    await index.click()
    await admin.page.waitForURL(u => u.pathname === '/admin/indexes')
    await expect.poll(() => admin.page.locator(`[id="idx-${name}"]`).count()).toBe(1)
  })
})

describe('at 390 px wide', () => {
  for (const path of ['/health', '/correlations', '/admin/health', '/admin/queries']) it(`${path} fits the screen`, async () => {
    const s = await openSession(portal, PHONE)
    await signIn(s.page, ADMIN.email, ADMIN.password)
    await visit(s.page, path)
    expect(await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    expect(s.errors).toEqual([])
    await screenshot(s.page, `${path.slice(1).replace('/', '-')}-390`)
    await s.context.close()
  })
})

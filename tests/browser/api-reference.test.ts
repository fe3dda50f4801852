// The API reference page: reached from the main navigation by any signed-in role, it renders the
// served OpenAPI document (every operation, grouped by tag, with parameters, bodies and
// responses) under the CSP, with no error in the console.
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, openSession, screenshot, signIn, startPortal, visit, type Session } from './harness.ts'

const portal = await startPortal()
const VIEWER = { email: 'reader@example.com', password: 'reader-password-123' }
let viewer: Session
let doc: { paths: Record<string, Record<string, unknown>>, tags: { name: string }[] }

beforeAll(async () => {
  const res = await fetch(`${portal.url}/api/v1/admin/users`, { method: 'POST', headers: { 'authorization': `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...VIEWER, role: 'viewer' }) })
  expect(res.status).toBe(201)
  doc = await (await portal.api('/api/v1/openapi.json')).json()
  viewer = await openSession(portal)
  await signIn(viewer.page, VIEWER.email, VIEWER.password)
}, 60_000)

const operations = () => viewer.page.getByTestId('api-operation')

describe('the API reference page', () => {
  it('is linked in the main navigation and lists every operation of the document, by tag', async () => {
    await visit(viewer.page, '/')
    await viewer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click()
    await viewer.page.waitForURL(u => u.pathname === '/reference')
    const expected = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map(m => `${m.toUpperCase()} ${path}`)).sort()
    expect(expected.length).toBeGreaterThan(30)
    await expect.poll(() => operations().count()).toBe(expected.length)
    const shown = await operations().locator('summary').evaluateAll(els => els.map(e => `${e.querySelector('.badge')!.textContent!.trim()} ${e.querySelector('.api-path')!.textContent!.trim()}`))
    expect(shown.sort()).toEqual(expected)
    for (const tag of doc.tags) await expect.poll(() => viewer.page.getByTestId(`api-tag-${tag.name}`).getByRole('heading', { level: 2 }).textContent()).toBe(tag.name)
    expect(viewer.errors).toEqual([])
    expect(viewer.violations).toEqual([])
  })

  it('shows an operation\'s parameters with their closed sets and limits, its body and its responses', async () => {
    await visit(viewer.page, '/reference')
    const list = viewer.page.locator('details#get-api-v1-claims')
    await list.locator('summary').click()
    const params = list.getByTestId('api-parameters')
    await expect.poll(() => params.locator('tr', { hasText: 'sort (query)' }).textContent()).toContain('"-dateOfService"')
    expect(await params.locator('tr', { hasText: 'limit (query)' }).textContent()).toContain('1..1000')
    expect(await list.getByTestId('api-response').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^200/), expect.stringMatching(/^400/), expect.stringMatching(/^401/)]))
    expect(await list.getByTestId('api-response').first().textContent()).toContain('page.nextCursor')

    const ingest = viewer.page.locator('details#post-api-v1-claims')
    await ingest.locator('summary').click()
    const body = await ingest.locator('.api-op-body').textContent()
    expect(body).toContain('application/json, application/x-ndjson, text/csv')
    expect(body).toContain('[].billedCents')
    expect(body).toMatch(/413/)
    await screenshot(viewer.page, 'api-reference')
    expect(viewer.errors).toEqual([])
  })
})

// The audit page under Operations: the log newest first, filtered by actor, action and days, and
// paged by cursor with Next and Previous, all kept in the URL.
import { beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, ADMIN_KEY, openSession, screenshot, signIn, startPortal, visit, type Session } from './harness.ts'

const portal = await startPortal()
let admin: Session

beforeAll(async () => {
  admin = await openSession(portal)
  await signIn(admin.page, ADMIN.email, ADMIN.password)
  // 60 reads of claims and a few key writes: more than one page of records, from two actions.
  for (let id = 1; id <= 60; id++) await portal.api(`/api/v1/claims/${id}`)
  for (const name of ['audit-a', 'audit-b', 'audit-c']) {
    const res = await fetch(`${portal.url}/api/v1/admin/keys`, { method: 'POST', headers: { 'authorization': `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, role: 'viewer' }) })
    expect(res.status).toBe(201)
  }
  // Reads are written within a second.
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && ((await (await portal.api('/api/v1/admin/audit?action=read.claim&limit=100')).json()) as { data: unknown[] }).data.length < 60) {
    await new Promise(r => setTimeout(r, 100))
  }
}, 60_000)

const rows = () => admin.page.getByTestId('audit-table').locator('tbody tr')
const column = (n: number) => rows().locator(`td:nth-child(${n})`).allTextContents()

describe('the audit page', () => {
  it('is reached from the Operations navigation and lists the newest records first', async () => {
    expect(((await (await portal.api('/api/v1/admin/audit?action=read.claim&limit=100')).json()) as { data: unknown[] }).data).toHaveLength(60)
    await visit(admin.page, '/admin/health')
    await admin.page.getByRole('navigation', { name: 'Operations' }).getByRole('link', { name: 'Audit log' }).click()
    await admin.page.waitForURL(u => u.pathname === '/admin/audit')
    await expect.poll(() => rows().count()).toBe(50)
    const times = await column(1)
    expect(times).toEqual([...times].sort().reverse())
    // The key writes came last, so they lead the list.
    expect((await column(3)).slice(0, 3)).toEqual(['apiKeys.create', 'apiKeys.create', 'apiKeys.create'])
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'admin-audit')
  })

  it('pages with Next and Previous through every record once', async () => {
    await visit(admin.page, '/admin/audit')
    await expect.poll(() => rows().count()).toBe(50)
    const first = await column(4)
    await admin.page.getByRole('button', { name: 'Next →' }).click()
    await admin.page.waitForURL(u => u.searchParams.has('cursor'))
    await expect.poll(async () => (await column(4))[0]).not.toBe(first[0])
    const second = await column(4)
    const total = ((await (await portal.api('/api/v1/admin/audit?limit=1000')).json()) as { data: unknown[] }).data.length
    expect(second.length).toBe(total - 50)
    expect(await admin.page.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true)
    await admin.page.getByRole('button', { name: /Previous/ }).click()
    await admin.page.waitForURL(u => !u.searchParams.has('cursor'))
    await expect.poll(() => column(4)).toEqual(first)
    expect(admin.errors).toEqual([])
  })

  it('filters by action, actor and day, in the URL, and says when nothing matches', async () => {
    await visit(admin.page, '/admin/audit')
    await admin.page.getByLabel('Action').fill('apiKeys.create')
    await admin.page.getByLabel('Action').press('Enter')
    await admin.page.waitForURL(u => u.searchParams.get('action') === 'apiKeys.create')
    await expect.poll(() => column(3)).toEqual(['apiKeys.create', 'apiKeys.create', 'apiKeys.create'])
    const actor = (await column(2))[0]!
    expect(actor).toMatch(/^key:\d+$/)

    await visit(admin.page, `/admin/audit?actor=${actor}&action=read.claim`)
    await expect.poll(() => rows().count()).toBe(50)
    expect(new Set(await column(2))).toEqual(new Set([actor]))
    expect(await admin.page.getByLabel('Actor').inputValue()).toBe(actor)

    await visit(admin.page, `/admin/audit?from=${portal.today}&to=${portal.today}&action=apiKeys.create`)
    await expect.poll(() => rows().count()).toBe(3)
    await visit(admin.page, '/admin/audit?to=2020-01-01')
    await expect.poll(() => admin.page.locator('main').textContent()).toContain('No audit records match these filters.')
    await admin.page.getByRole('button', { name: 'Clear' }).click()
    await admin.page.waitForURL(u => u.search === '')
    await expect.poll(() => rows().count()).toBe(50)
    expect(admin.errors).toEqual([])
  })
})

// The dashboard in Chromium, on pages whose API is in this branch: sign-in, overview, claims
// explorer and detail, denial patterns, users and keys, a viewer's limits, the phone width.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { presetRange } from '../../utils/date-ranges.ts'
import { formatPercent } from '../../utils/format.ts'
import { ADMIN, ARTIFACTS, canvasInk, hydrated, jsShipped, navigationTiming, openSession, pageJs, PHONE, screenshot, signIn, startPortal, visit, type Session } from './harness.ts'

const portal = await startPortal()
const timings: Record<string, unknown> = {}
let admin: Session
const viewer = { email: 'viewer@example.com', password: 'viewer-password-1234' }

async function open(s: Session, path: string, name: string) {
  const wall = await visit(s.page, path, s.scripts)
  const charts = await s.page.locator('canvas').count() > 0
  timings[name] = { wallMs: wall, ...(await navigationTiming(s.page)), js: await pageJs(portal, s.context, path, charts), jsWithPrefetch: jsShipped(s.scripts) }
}

beforeAll(async () => {
  admin = await openSession(portal)
  await signIn(admin.page, ADMIN.email, ADMIN.password)
})

// Each test answers for the console errors of its own pages.
beforeEach(() => {
  if (admin) admin.errors.length = 0
})

describe('sign-in', () => {
  it('sends a signed-out visitor to /login and back to the page asked for; a wrong password says so', async () => {
    const s = await openSession(portal)
    await s.page.goto('/claims?status=denied')
    const login = new URL(s.page.url())
    expect(login.pathname).toBe('/login')
    expect(login.searchParams.get('redirect')).toBe('/claims?status=denied')
    await screenshot(s.page, 'login')

    await s.page.getByLabel('Email').fill(ADMIN.email)
    await s.page.getByLabel('Password').fill('not-the-password')
    await s.page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => s.page.getByRole('alert').textContent()).toContain('Wrong email or password')

    await s.page.getByLabel('Password').fill(ADMIN.password)
    await s.page.getByRole('button', { name: 'Sign in' }).click()
    await s.page.waitForURL(u => u.pathname === '/claims')
    expect(new URL(s.page.url()).searchParams.getAll('status')).toEqual(['denied'])
    // The only console error is the browser's note about the 401 of the wrong password.
    expect(s.errors.filter(e => !e.includes('status of 401'))).toEqual([])
    await s.context.close()
  })
})

describe('overview', () => {
  it('shows the range\'s totals as the API computes them, and draws its four charts', async () => {
    await open(admin, '/', 'overview')
    const range = presetRange('last90', portal.today)
    const metrics = await (await portal.api(`/api/v1/claims/metrics?from=${range.from}&to=${range.to}&groupBy=week`)).json() as { totals: { claims: number, denialRate: number } }
    const totals = admin.page.getByTestId('totals')
    await expect.poll(() => totals.textContent()).toContain(formatPercent(metrics.totals.denialRate))
    expect(await totals.textContent()).toContain(metrics.totals.claims.toLocaleString('en-US'))
    const ink = await canvasInk(admin.page, 4)
    expect(ink).toHaveLength(4)
    for (const pixels of ink) expect(pixels).toBeGreaterThan(500)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'overview')
  })

  it('answers "the denial rate of last quarter" with the range picker, and keeps the range in the URL', async () => {
    await open(admin, '/', 'overview')
    await admin.page.getByRole('combobox', { name: 'Range' }).selectOption('lastQuarter')
    const quarter = presetRange('lastQuarter', portal.today)
    await admin.page.waitForURL(u => u.searchParams.get('from') === quarter.from && u.searchParams.get('to') === quarter.to)
    const metrics = await (await portal.api(`/api/v1/claims/metrics?from=${quarter.from}&to=${quarter.to}`)).json() as { totals: { denialRate: number, claims: number } }
    const totals = admin.page.getByTestId('totals')
    if (metrics.totals.claims > 0) await expect.poll(() => totals.textContent()).toContain(formatPercent(metrics.totals.denialRate))
    else await expect.poll(() => admin.page.getByText('No claims in this range.').count()).toBe(1)
    expect(admin.errors).toEqual([])
  })

  it('links a denial reason into the claims explorer with its filters', async () => {
    await open(admin, '/', 'overview')
    const link = admin.page.locator('table a[href*="denialReason="]').first()
    const reason = (await link.textContent())!.trim()
    await link.click()
    await admin.page.waitForURL(u => u.pathname === '/claims' && u.searchParams.get('denialReason') === reason)
    await expect.poll(() => admin.page.getByTestId('claims-table').locator('tbody tr').count()).toBeGreaterThan(0)
    const reasons = await admin.page.getByTestId('claims-table').locator('tbody tr td:nth-child(7)').allTextContents()
    expect(new Set(reasons.map(r => r.trim()))).toEqual(new Set([reason]))
  })
})

describe('claims explorer', () => {
  const rows = () => admin.page.getByTestId('claims-table').locator('tbody tr')
  const firstIds = async () => (await rows().locator('td:first-child').allTextContents()).map(t => t.trim())

  it('a filter change updates the URL and the table', async () => {
    await open(admin, '/claims', 'claims')
    await expect.poll(() => rows().count()).toBe(50)
    await admin.page.getByLabel('denied').check()
    await admin.page.waitForURL(u => u.searchParams.get('status') === 'denied')
    await expect.poll(async () => new Set((await rows().locator('td:nth-child(3)').allTextContents()).map(t => t.trim()))).toEqual(new Set(['denied']))
    const api = await (await portal.api('/api/v1/claims?status=denied&count=true&limit=1')).json() as { page: { total: number } }
    await expect.poll(() => admin.page.getByTestId('claims-count').textContent()).toContain(`${api.page.total.toLocaleString('en-US')} claims match`)

    await admin.page.getByLabel('Sort').selectOption('-billedCents')
    await admin.page.waitForURL(u => u.searchParams.get('sort') === '-billedCents' && u.searchParams.get('status') === 'denied')
    await expect.poll(async () => {
      const billed = (await rows().locator('td:nth-child(8)').allTextContents()).map(t => Number(t.replace(/[$,]/g, '')))
      return billed.length > 1 && billed.every((b, i) => i === 0 || billed[i - 1]! >= b)
    }).toBe(true)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'claims')
  })

  it('pages forward with the cursor in the URL and back again', async () => {
    await open(admin, '/claims', 'claims')
    await expect.poll(() => rows().count()).toBe(50)
    const page1 = await firstIds()
    await admin.page.getByRole('button', { name: 'Next →' }).click()
    await admin.page.waitForURL(u => u.searchParams.has('cursor'))
    await expect.poll(firstIds).not.toEqual(page1)
    const page2 = await firstIds()
    expect(page2.filter(id => page1.includes(id))).toEqual([])
    await admin.page.getByRole('button', { name: '← Previous' }).click()
    await admin.page.waitForURL(u => !u.searchParams.has('cursor'))
    await expect.poll(firstIds).toEqual(page1)
  })

  it('exports the filtered set as CSV: the server\'s streamed export, every claim of it', async () => {
    await open(admin, '/claims?status=paid&sort=billedCents', 'claims')
    const api = await (await portal.api('/api/v1/claims?status=paid&count=true&limit=1')).json() as { page: { total: number } }
    expect(api.page.total).toBeGreaterThan(1000) // more than one API page
    const [download] = await Promise.all([
      admin.page.waitForEvent('download'),
      admin.page.getByRole('link', { name: 'Export CSV' }).click(),
    ])
    // The browser downloads GET /api/v1/claims/export itself; nothing is gathered in the page.
    const url = new URL(download.url())
    expect(url.pathname).toBe('/api/v1/claims/export')
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'paid', sort: 'billedCents', format: 'csv' })
    expect(download.suggestedFilename()).toMatch(/^claims-\d{4}-\d{2}-\d{2}\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.split('\r\n')[0]).toBe('id,source,sourceId,providerId,payer,patientRef,cptCode,dateOfService,submittedAt,status,denialReason,billedCents,paidCents')
    const claims = parseCsv(text, { columns: true }) as { status: string, billedCents: string }[]
    expect(claims).toHaveLength(api.page.total)
    expect(new Set(claims.map(c => c.status))).toEqual(new Set(['paid']))
    expect(claims.every((c, i) => i === 0 || Number(claims[i - 1]!.billedCents) <= Number(c.billedCents))).toBe(true)
    expect(admin.errors).toEqual([])
  })

  it('flags an amount that is not a number at its field, with the API\'s message', async () => {
    await open(admin, '/claims', 'claims')
    await expect.poll(() => rows().count()).toBe(50)
    const field = admin.page.getByLabel('Billed at least ($)')
    await field.fill('abc')
    await field.dispatchEvent('change')
    await admin.page.waitForURL(u => u.searchParams.get('minBilled') === 'abc')
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true')
    const message = admin.page.locator('#issue-minBilled')
    await expect.poll(() => message.textContent()).toBe('must be a number')
    expect(await field.getAttribute('aria-describedby')).toBe('issue-minBilled')
    // Not described as a range of amounts, and no export of a set the API refused.
    expect(await admin.page.getByText('billed abc').count()).toBe(0)
    expect(await admin.page.getByRole('link', { name: 'Export CSV' }).count()).toBe(0)
    // The other fields are not flagged; a number clears the flag.
    expect(await admin.page.getByLabel('Billed at most ($)').getAttribute('aria-invalid')).toBeNull()
    await field.fill('25')
    await field.dispatchEvent('change')
    await admin.page.waitForURL(u => u.searchParams.get('minBilled') === '25')
    await expect.poll(() => field.getAttribute('aria-invalid')).toBeNull()
    await expect.poll(() => rows().count()).toBeGreaterThan(0)
    // Opened at such a URL (rendered on the server), the field is flagged as well.
    await open(admin, '/claims?maxBilled=lots', 'claims')
    await expect.poll(() => admin.page.getByLabel('Billed at most ($)').getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => admin.page.locator('#issue-maxBilled').textContent()).toBe('must be a number')
    // The refused request is the console's only error (the browser notes every 4xx).
    expect(admin.errors.filter(e => !e.includes('status of 400'))).toEqual([])
  })

  it('opens a claim\'s detail with its provider', async () => {
    await open(admin, '/claims', 'claims')
    const link = rows().first().locator('a')
    const id = (await link.textContent())!.replace('#', '').trim()
    await link.click()
    await admin.page.waitForURL(u => u.pathname === `/claims/${id}`)
    const claim = await (await portal.api(`/api/v1/claims/${id}`)).json() as { provider: { name: string, npi: string } }
    await expect.poll(() => admin.page.locator('main').textContent()).toContain(claim.provider.npi)
    expect(await admin.page.getByRole('heading', { level: 1 }).textContent()).toBe(`Claim #${id}`)
    timings['claim-detail'] = await navigationTiming(admin.page)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'claim-detail')
  })

  it('shows a clear message for a claim that does not exist', async () => {
    await open(admin, '/claims/999999999', 'claim-missing')
    await expect.poll(() => admin.page.getByRole('alert').textContent()).toContain('404')
    // The browser logs the 404 of the API call itself; nothing else may fail.
    expect(admin.errors.filter(e => !e.includes('status of 404'))).toEqual([])
  })
})

describe('denial patterns', () => {
  it('lists recurring patterns with their trend and draws the comparison', async () => {
    await open(admin, '/denials', 'denials')
    await expect.poll(() => admin.page.getByTestId('patterns-table').locator('tbody tr').count()).toBeGreaterThan(0)
    const [ink] = await canvasInk(admin.page, 1)
    expect(ink).toBeGreaterThan(500)
    expect(admin.errors).toEqual([])
    await screenshot(admin.page, 'denials')
  })
})

describe('users and API keys', () => {
  it('creates a viewer, and a key that is shown once, works, and stops working when revoked', async () => {
    await open(admin, '/admin/users', 'admin-users')
    await admin.page.getByLabel('Email').fill(viewer.email)
    await admin.page.getByLabel('Password (12+ characters)').fill(viewer.password)
    await admin.page.getByLabel('Role').first().selectOption('viewer')
    await admin.page.getByRole('button', { name: 'Create user' }).click()
    await expect.poll(() => admin.page.getByTestId('users-table').textContent()).toContain(viewer.email)

    await admin.page.getByLabel('Name').fill('browser test key')
    await admin.page.getByRole('button', { name: 'Create key' }).click()
    const key = (await admin.page.getByTestId('new-key').textContent())!.trim()
    expect(key).toMatch(/^ap_[A-Za-z0-9_-]{40,}$/)
    const use = () => fetch(`${portal.url}/api/v1/providers?limit=1`, { headers: { authorization: `Bearer ${key}` } }).then(r => r.status)
    expect(await use()).toBe(200)
    await screenshot(admin.page, 'admin-users')

    await admin.page.getByRole('button', { name: 'Revoke browser test key' }).click()
    await expect.poll(() => admin.page.getByTestId('keys-table').locator('tr', { hasText: 'browser test key' }).textContent()).toContain('revoked')
    expect(await use()).toBe(401)
    // Reloading does not show the key again.
    await open(admin, '/admin/users', 'admin-users')
    expect(await admin.page.content()).not.toContain(key)
    expect(admin.errors).toEqual([])
  })
})

describe('a viewer', () => {
  it('sees the data pages but no operations link, and is refused the admin pages', async () => {
    const s = await openSession(portal)
    await signIn(s.page, viewer.email, viewer.password)
    await visit(s.page, '/')
    expect(await s.page.getByTestId('role').textContent()).toBe('viewer')
    expect(await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).not.toContain('Operations')

    for (const path of ['/admin/users', '/admin/health']) {
      await s.page.goto(path)
      await expect.poll(() => s.page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed')
      expect(await s.page.locator('[data-testid="users-table"]').count()).toBe(0)
    }
    const status = await s.page.evaluate(() => fetch('/api/v1/admin/users').then(r => r.status))
    expect(status).toBe(403)
    await screenshot(s.page, 'viewer-admin-refused')
    await s.context.close()
  })
})

describe('a viewer who signs in from an admin page', () => {
  it('lands on the overview, signed in, with a notice that the page needs the admin role (not a 403 on the sign-in form)', async () => {
    const s = await openSession(portal)
    await s.page.goto('/admin/queries')
    expect(new URL(s.page.url()).searchParams.get('redirect')).toBe('/admin/queries')
    await hydrated(s.page)
    await s.page.getByLabel('Email').fill(viewer.email)
    await s.page.getByLabel('Password').fill(viewer.password)
    await s.page.getByRole('button', { name: 'Sign in' }).click()
    await s.page.waitForURL(url => url.pathname === '/')
    await expect.poll(() => s.page.getByTestId('notice').textContent()).toBe('The page you asked for needs the admin role, so you are on the overview instead.')
    expect(await s.page.getByTestId('role').textContent()).toBe('viewer')
    expect(await s.page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview')
    expect(await s.page.getByRole('alert').count()).toBe(0)
    await screenshot(s.page, 'viewer-admin-redirect')
    // Moving on, the notice goes.
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Claims' }).click()
    await s.page.waitForURL(url => url.pathname === '/claims')
    expect(await s.page.getByTestId('notice').count()).toBe(0)
    expect(s.errors).toEqual([])
    await s.context.close()
  })
})

describe('passwords', () => {
  it('an admin sets a user\'s password, which signs them out; the user then changes their own and stays signed in', async () => {
    const s = await openSession(portal)
    await signIn(s.page, viewer.email, viewer.password)
    const apiStatus = () => s.page.evaluate(() => fetch('/api/v1/providers?limit=1').then(r => r.status))
    expect(await apiStatus()).toBe(200)

    await open(admin, '/admin/users', 'admin-users')
    await admin.page.getByRole('button', { name: `Set the password of ${viewer.email}` }).click()
    await admin.page.getByLabel(`New password for ${viewer.email}`).fill('handed-over-password-1')
    await admin.page.getByRole('button', { name: 'Set password', exact: true }).click()
    await expect.poll(() => admin.page.getByRole('status').first().textContent()).toContain(`Set a new password for ${viewer.email}`)
    expect(await apiStatus()).toBe(401)

    await signIn(s.page, viewer.email, 'handed-over-password-1')
    await visit(s.page, '/account')
    await s.page.getByLabel('Current password').fill('handed-over-password-1')
    await s.page.getByLabel('New password (12+ characters)').fill(viewer.password)
    await s.page.getByLabel('New password again').fill(viewer.password)
    await s.page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => s.page.getByRole('status').textContent()).toContain('Password changed')
    expect(await apiStatus()).toBe(200)
    await screenshot(s.page, 'account')
    // The only console errors are the browser's notes about the 401 of the ended session.
    expect(s.errors.filter(e => !e.includes('status of 401'))).toEqual([])
    expect(admin.errors).toEqual([])
    await s.context.close()
  })
})

describe('at 390 px wide', () => {
  it.each([['/', 'overview', 4], ['/claims', 'claims', 0], ['/denials', 'denials', 1], ['/admin/users', 'admin-users', 0]])('%s fits the screen', async (path, name, charts) => {
    const s = await openSession(portal, PHONE)
    await signIn(s.page, ADMIN.email, ADMIN.password)
    await visit(s.page, path)
    if (charts) expect((await canvasInk(s.page, charts)).every(ink => ink > 500)).toBe(true)
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    expect(s.errors).toEqual([])
    await screenshot(s.page, `${name}-390`)
    await s.context.close()
  })
})

describe('under the Content-Security-Policy', () => {
  const pages = ['/', '/claims', '/claims/1', '/denials', '/health', '/correlations', '/admin/health', '/admin/routes', '/admin/cache', '/admin/queries', '/admin/indexes', '/admin/jobs', '/admin/alerts', '/admin/users']
  it.each(pages)('%s renders with a nonce policy, no unsafe-eval, and no violation reported', async (path) => {
    admin.violations.length = 0
    const response = await admin.page.goto(path, { waitUntil: 'networkidle' })
    const csp = response!.headers()['content-security-policy'] ?? ''
    expect(csp).toMatch(/script-src [^;]*'nonce-[\w+/=]+'/)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
    await admin.page.waitForFunction(() => Boolean((document.querySelector('#__nuxt') as { __vue_app__?: unknown } | null)?.__vue_app__))
    // A page with charts draws them: chart.js works without eval.
    if (await admin.page.locator('canvas').count() > 0) expect((await canvasInk(admin.page, 1)).some(ink => ink > 500)).toBe(true)
    expect(admin.violations).toEqual([])
    expect(admin.errors.filter(e => !e.includes('status of 404'))).toEqual([])
  })
})

describe('sign-out', () => {
  it('ends the session: pages go back to /login and the API answers 401', async () => {
    await visit(admin.page, '/')
    await admin.page.getByRole('button', { name: 'Sign out' }).click()
    await admin.page.waitForURL(u => u.pathname === '/login')
    await admin.page.goto('/denials')
    expect(new URL(admin.page.url()).pathname).toBe('/login')
    const status = await admin.page.evaluate(() => fetch('/api/v1/providers').then(r => r.status))
    expect(status).toBe(401)
    writeFileSync(join(ARTIFACTS, 'timings-dashboard.json'), `${JSON.stringify(timings, null, 2)}\n`)
  })
})

// Sessions end on the server: a cookie copied before sign-out, before its user is disabled or
// before a password change is refused afterwards (401 on an admin route and on both session
// routes). Also: login CSRF, the sign-in limiter across accounts, the redirect after sign-in, the
// audit of failed sign-ins and the bootstrap settings, each with a server started for it.
import { request } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { url } from '@nuxt/test-utils/e2e'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_REDIRECTS } from '../unit/redirect-fixture.ts'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'
import { serverExit, spawnServer, type SpawnedServer } from './spawn-server.ts'

const ADMIN = { email: 'root@example.com', password: 'e2e-admin-password-123' }
const SESSION_PASSWORD = 'e2e-session-password-0123456789-abcdefghij'
const portal = await usePortal({ env: { NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, NUXT_SESSION_PASSWORD: SESSION_PASSWORD } })
const db = new Database(portal.dbPath, { readonly: true })
afterAll(() => db.close())

const json = { 'content-type': 'application/json' }
const sessionOf = (res: Response) => res.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))?.split(';')[0]

async function login(email: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ email, password }) })
  return { status: res.status, session: sessionOf(res), body: await res.json().catch(() => null) as any }
}

async function call(path: string, session: string, init: { method?: string, body?: unknown, headers?: Record<string, string> } = {}) {
  const res = await fetch(path, { method: init.method ?? 'GET', redirect: 'manual', headers: { ...json, cookie: session, ...init.headers }, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
  return { status: res.status, session: sessionOf(res), body: await res.json().catch(() => null) as any }
}

/** What a replayed cookie reaches: an admin route, our session route and nuxt-auth-utils' own. */
async function reach(session: string) {
  return {
    admin: (await call('/api/v1/admin/users', session)).status,
    session: (await call('/api/auth/session', session)).status,
    moduleSession: (await call('/api/_auth/session', session)).status,
  }
}
const SIGNED_IN = { admin: 200, session: 200, moduleSession: 200 }
const REFUSED = { admin: 401, session: 401, moduleSession: 401 }

async function createAdminUser(email: string, password: string): Promise<number> {
  const res = await fetch('/api/v1/admin/users', { method: 'POST', headers: { ...json, ...auth(ADMIN_KEY).headers }, body: JSON.stringify({ email, password, role: 'admin' }) })
  expect(res.status).toBe(201)
  return (await res.json() as { id: number }).id
}

const liveRows = (userId: number) => (db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL').get(userId) as { n: number }).n

let admin: Awaited<ReturnType<typeof login>>
beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password)
  expect(admin.status).toBe(200)
})

describe('a cookie replayed after its session ended', () => {
  it('is refused after POST /api/auth/logout, and the server-side row is revoked', async () => {
    const signedIn = await login(ADMIN.email, ADMIN.password)
    const copy = signedIn.session!
    expect(await reach(copy)).toEqual(SIGNED_IN)
    // The token travels sealed and never reaches the page.
    expect(JSON.stringify((await call('/api/_auth/session', copy)).body)).not.toMatch(/sessionToken|secure/)
    const before = liveRows(signedIn.body.user.id)

    const out = await call('/api/auth/logout', copy, { method: 'POST' })
    expect(out.status).toBe(200)
    expect(await reach(copy)).toEqual(REFUSED)
    expect(liveRows(signedIn.body.user.id)).toBe(before - 1)
    // The pages treat it as signed out too: to the sign-in page, not an error.
    const page = await fetch('/denials', { redirect: 'manual', headers: { cookie: copy } })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?redirect=/denials')
    // Other sessions of the same user are untouched.
    expect(await reach(admin.session!)).toEqual(SIGNED_IN)
  })

  it('is refused after nuxt-auth-utils\' own DELETE /api/_auth/session too', async () => {
    const copy = (await login(ADMIN.email, ADMIN.password)).session!
    expect((await call('/api/_auth/session', copy, { method: 'DELETE' })).status).toBe(200)
    expect(await reach(copy)).toEqual(REFUSED)
  })

  it('is refused once the same browser signs in again (the cookie it replaced ends)', async () => {
    const previous = (await login(ADMIN.email, ADMIN.password)).session!
    const res = await fetch('/api/auth/login', { method: 'POST', headers: { ...json, cookie: previous }, body: JSON.stringify(ADMIN) })
    expect(res.status).toBe(200)
    expect(await reach(previous)).toEqual(REFUSED)
    expect(await reach(sessionOf(res)!)).toEqual(SIGNED_IN)
  })

  it('is refused once its user is disabled, every session of them', async () => {
    const id = await createAdminUser('second-admin@example.com', 'second-admin-password')
    const first = (await login('second-admin@example.com', 'second-admin-password')).session!
    const second = (await login('second-admin@example.com', 'second-admin-password')).session!
    expect(await reach(first)).toEqual(SIGNED_IN)
    expect((await fetch(`/api/v1/admin/users/${id}`, { method: 'DELETE', ...auth(ADMIN_KEY) })).status).toBe(200)
    expect(await reach(first)).toEqual(REFUSED)
    expect(await reach(second)).toEqual(REFUSED)
    expect(liveRows(id)).toBe(0)
  })

  it('is refused after the user changes their password; this browser gets a new session', async () => {
    await createAdminUser('changer@example.com', 'first-password-123')
    const elsewhere = (await login('changer@example.com', 'first-password-123')).session!
    const here = (await login('changer@example.com', 'first-password-123')).session!

    const changed = await call('/api/auth/password', here, { method: 'POST', body: { currentPassword: 'first-password-123', newPassword: 'second-password-456' } })
    expect(changed.status).toBe(200)
    expect(changed.body.user.email).toBe('changer@example.com')
    expect(await reach(elsewhere)).toEqual(REFUSED)
    expect(await reach(here)).toEqual(REFUSED)
    expect(await reach(changed.session!)).toEqual(SIGNED_IN)
    expect((await login('changer@example.com', 'first-password-123')).status).toBe(401)
    expect((await login('changer@example.com', 'second-password-456')).status).toBe(200)
    const audited = db.prepare(`SELECT actor, target FROM audit_log WHERE action = 'auth.password.change'`).all()
    expect(audited).toEqual([{ actor: `user:${changed.body.user.id}`, target: `user:${changed.body.user.id}` }])
  })

  it('is refused after an admin sets the user\'s password', async () => {
    const id = await createAdminUser('forgetful@example.com', 'forgotten-password')
    const old = (await login('forgetful@example.com', 'forgotten-password')).session!
    const set = await fetch(`/api/v1/admin/users/${id}/password`, { method: 'PUT', headers: { ...json, ...auth(ADMIN_KEY).headers }, body: JSON.stringify({ password: 'handed-over-password' }) })
    expect(set.status).toBe(200)
    expect(await set.json()).toMatchObject({ id, email: 'forgetful@example.com', disabledAt: null })
    expect(await reach(old)).toEqual(REFUSED)
    expect((await login('forgetful@example.com', 'forgotten-password')).status).toBe(401)
    expect((await login('forgetful@example.com', 'handed-over-password')).status).toBe(200)
  })
})

describe('password changes refuse what they should, and change nothing then', () => {
  const hashOf = (email: string) => (db.prepare('SELECT password_hash AS h FROM users WHERE email = ?').get(email) as { h: string }).h

  it('the user\'s own: needs a session, the current password and a new one of the users API\'s minimum, from this origin', async () => {
    const before = hashOf(ADMIN.email)
    const change = (body: unknown, headers: Record<string, string> = {}, session = admin.session!) => call('/api/auth/password', session, { method: 'POST', body, headers })
    const wrong = await change({ currentPassword: 'not-it', newPassword: 'long-enough-password' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.data.issues).toEqual([{ path: 'currentPassword', message: 'is not your current password' }])
    const short = await change({ currentPassword: ADMIN.password, newPassword: 'short' })
    expect(short.body.data.issues).toEqual([{ path: 'newPassword', message: 'must be at least 12 characters' }])
    expect((await change({ currentPassword: ADMIN.password, newPassword: 'long-enough-password' }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await change({ currentPassword: ADMIN.password, newPassword: 'long-enough-password' }, {}, '')).status).toBe(401)
    const withKey = await fetch('/api/auth/password', { method: 'POST', headers: { ...json, ...auth(ADMIN_KEY).headers }, body: JSON.stringify({ currentPassword: ADMIN.password, newPassword: 'long-enough-password' }) })
    expect(withKey.status).toBe(401)
    expect(hashOf(ADMIN.email)).toBe(before)
    expect(await reach(admin.session!)).toEqual(SIGNED_IN)
    expect(db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.password.failed'`).get()).toEqual({ n: 1 })
  })

  it('an admin\'s for another user: 404 unknown, 409 disabled or oneself, 400 short', async () => {
    const put = (id: number | string, body: unknown, session?: string) => fetch(`/api/v1/admin/users/${id}/password`, { method: 'PUT', headers: { ...json, ...(session ? { cookie: session } : auth(ADMIN_KEY).headers) }, body: JSON.stringify(body) })
    expect((await put(424242, { password: 'long-enough-password' })).status).toBe(404)
    const disabled = (db.prepare(`SELECT id FROM users WHERE email = 'second-admin@example.com'`).get() as { id: number }).id
    expect((await put(disabled, { password: 'long-enough-password' })).status).toBe(409)
    expect((await put(admin.body.user.id, { password: 'long-enough-password' }, admin.session!)).status).toBe(409)
    const short = await put(admin.body.user.id, { password: 'short' })
    expect(short.status).toBe(400)
    expect((await short.json() as any).data.issues[0].path).toBe('password')
    expect((await put('abc', { password: 'long-enough-password' })).status).toBe(400)
    expect(await reach(admin.session!)).toEqual(SIGNED_IN)
  })
})

describe('login CSRF: sign-in and sign-out come from the portal\'s own origin', () => {
  const CROSS: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }]

  it('refuses a cross-site sign-in (JSON or form) with 403 and no session', async () => {
    const rows = () => (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n
    const before = rows()
    for (const headers of CROSS) {
      const jsonLogin = await login(ADMIN.email, ADMIN.password, headers)
      expect(jsonLogin.status).toBe(403)
      expect(jsonLogin.session).toBeUndefined()
      const form = await fetch('/api/auth/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: `email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}` })
      expect(form.status).toBe(403)
      expect(sessionOf(form)).toBeUndefined()
    }
    expect(rows()).toBe(before)
    // The portal's own pages send their origin, and are let through.
    expect((await login(ADMIN.email, ADMIN.password, { origin: new URL(url('/')).origin, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
  })

  it('refuses a cross-site sign-out on both routes, which leaves the session working', async () => {
    for (const headers of CROSS) {
      expect((await call('/api/auth/logout', admin.session!, { method: 'POST', headers })).status).toBe(403)
      expect((await call('/api/_auth/session', admin.session!, { method: 'DELETE', headers })).status).toBe(403)
    }
    expect(await reach(admin.session!)).toEqual(SIGNED_IN)
  })
})

describe('the redirect after sign-in', () => {
  const form = (redirect: string, password = ADMIN.password) => fetch('/api/auth/login', {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: ADMIN.email, password, redirect }).toString(),
  })

  it('the form post never sends the browser off the site (303 to /), for a broad class of hostile targets', async () => {
    const targets = [...HOSTILE_REDIRECTS, '/\u3000/evil.example', '/\u3000\u3000', '/%2F%2Fevil.example', '/%09/evil.example']
    const got = await Promise.all(targets.map(async t => [t, (await form(t)).headers.get('location')] as const))
    for (const [target, location] of got) {
      expect(new URL(location!, 'https://portal.example').origin, JSON.stringify(target)).toBe('https://portal.example')
      expect(location, JSON.stringify(target)).toMatch(/^\/(?!\/)[\x21-\x7e]*$/)
    }
    expect(Object.fromEntries(got.filter(([t]) => HOSTILE_REDIRECTS.includes(t)))).toEqual(Object.fromEntries(HOSTILE_REDIRECTS.map(t => [t, '/'])))
    expect((await form('/claims?status=denied')).headers.get('location')).toBe('/claims?status=denied')
    // A failed sign-in sends back to the form with the same, safe, target.
    expect((await form('/\t/evil.example', 'wrong-password')).headers.get('location')).toBe('/login?error=credentials&redirect=%2F')
  })

  it('the page: a signed-in visit to /login?redirect=… is sent to / (never a 500); a signed-out one renders the form with /', async () => {
    for (const target of HOSTILE_REDIRECTS) {
      const path = `/login?redirect=${encodeURIComponent(target)}`
      const signedIn = await fetch(path, { redirect: 'manual', headers: { cookie: admin.session! } })
      expect(signedIn.status, JSON.stringify(target)).toBe(302)
      expect(signedIn.headers.get('location'), JSON.stringify(target)).toBe('/')
      const signedOut = await fetch(path, { redirect: 'manual' })
      expect(signedOut.status, JSON.stringify(target)).toBe(200)
      expect(await signedOut.text()).toMatch(/<input type="hidden" name="redirect" value="\/">/)
    }
    const ok = await fetch(`/login?redirect=${encodeURIComponent('/claims?status=denied')}`, { redirect: 'manual', headers: { cookie: admin.session! } })
    expect(ok.headers.get('location')).toBe('/claims?status=denied')
    // A U+3000 (a 500 in Location before) is a path on this site, sent percent-encoded.
    const wide = await fetch(`/login?redirect=${encodeURIComponent('/\u3000/evil.example')}`, { redirect: 'manual', headers: { cookie: admin.session! } })
    expect(wide.status).toBe(302)
    expect(wide.headers.get('location')).toBe('/%E3%80%80/evil.example')
  })
})

describe('the redirect after sign-in to a page the role may not open', () => {
  const VIEWER = { email: 'redirect-viewer@example.com', password: 'redirect-viewer-password-1' }
  const form = (email: string, password: string, redirect: string) => fetch('/api/auth/login', {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, redirect }).toString(),
  })

  it('lands a viewer on the overview with a notice why, signed in, whichever way the form was sent; an admin where asked', async () => {
    const created = await fetch('/api/v1/admin/users', { method: 'POST', headers: { ...json, ...auth(ADMIN_KEY).headers }, body: JSON.stringify({ ...VIEWER, role: 'viewer' }) })
    expect(created.status).toBe(201)
    for (const target of ['/admin/queries', '/admin', '/admin/users?role=viewer']) {
      const viewer = await form(VIEWER.email, VIEWER.password, target)
      expect(viewer.status, target).toBe(303)
      expect(viewer.headers.get('location'), target).toBe('/?notice=admin-only')
      const session = sessionOf(viewer)!
      expect((await call('/api/auth/session', session)).body.user).toMatchObject({ email: VIEWER.email, role: 'viewer' })
      // Already signed in, the sign-in page sends on the same way.
      const page = await fetch(`/login?redirect=${encodeURIComponent(target)}`, { redirect: 'manual', headers: { cookie: session } })
      expect(page.headers.get('location'), target).toBe('/?notice=admin-only')
      expect((await form(ADMIN.email, ADMIN.password, target)).headers.get('location'), target).toBe(target)
    }
    const signedIn = await login(VIEWER.email, VIEWER.password)
    expect(signedIn.body.user.role).toBe('viewer')
    const overview = await (await fetch('/?notice=admin-only', { headers: { cookie: signedIn.session! } })).text()
    expect(overview).toMatch(/role="status"[^>]*>The page you asked for needs the admin role/)
    // A notice the portal did not write is not shown.
    const crafted = await (await fetch(`/?notice=${encodeURIComponent('Your account is locked')}`, { headers: { cookie: signedIn.session! } })).text()
    expect(crafted).not.toContain('Your account is locked')
    expect(crafted).not.toContain('data-testid="notice"')
  })
})

describe('failed sign-ins are audited', () => {
  it('with the email tried as target and the reason, never the password', async () => {
    const secret = 'hunter2-not-the-password'
    for (const email of ['Ghost@Example.com', ADMIN.email]) expect((await login(email, secret)).status).toBe(401)
    const rows = db.prepare(`SELECT actor, target, detail FROM audit_log WHERE action = 'auth.login.failed' AND target IN ('email:ghost@example.com', 'email:${ADMIN.email}')`).all() as { actor: string, target: string, detail: string }[]
    expect(rows.map(r => [r.actor, r.target, JSON.parse(r.detail).reason])).toEqual(expect.arrayContaining([
      ['anonymous', 'email:ghost@example.com', 'unknown-email'],
      ['anonymous', `email:${ADMIN.email}`, 'wrong-password'],
    ]))
    const everything = JSON.stringify(db.prepare('SELECT * FROM audit_log').all())
    expect(everything).not.toContain(secret)
    expect(everything).not.toContain(ADMIN.password)
  })
})

/** A POST from a chosen loopback address, so that one test can be several clients. */
function loginFrom(server: SpawnedServer, address: string, email: string, password: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(`${server.url}/api/auth/login`, { method: 'POST', localAddress: address, headers: json }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode!))
    })
    req.on('error', fail)
    req.end(JSON.stringify({ email, password }))
  })
}

describe('the sign-in limiter (a server of its own, so the counts start at zero)', () => {
  let server: SpawnedServer
  beforeAll(async () => {
    server = await spawnServer(portal.dbPath, { NUXT_SESSION_PASSWORD: SESSION_PASSWORD, NUXT_JOB_RUNNER: 'false' })
    for (const email of ['victim@example.com', 'attacker@example.com', 'target@example.com']) {
      const res = await globalThis.fetch(`${server.url}/api/v1/admin/users`, { method: 'POST', headers: { ...json, ...auth(ADMIN_KEY).headers }, body: JSON.stringify({ email, password: `${email}-password`, role: 'viewer' }) })
      expect(res.status).toBe(201)
    }
  }, 60_000)
  afterAll(() => server?.stop())

  it('is not reset by a success on another account: 9 guesses + 1 own success, repeated, is limited', async () => {
    const from = '127.0.0.2'
    const statuses: number[] = []
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) statuses.push(await loginFrom(server, from, 'victim@example.com', `guess-${round}-${i}`))
      statuses.push(await loginFrom(server, from, 'attacker@example.com', 'attacker@example.com-password'))
    }
    // 10 failures from the address within the minute: the 10th guess is the last one answered.
    expect(statuses.slice(0, 10)).toEqual([...Array(9).fill(401), 200])
    expect(statuses[10]).toBe(401)
    expect(statuses.slice(11)).toEqual(Array(9).fill(429))
    // Any other address can still sign in to its own account.
    expect(await loginFrom(server, '127.0.0.3', 'attacker@example.com', 'attacker@example.com-password')).toBe(200)
  })

  it('counts an account\'s failures from every address: the 11th address is refused, even with the right password', async () => {
    for (let i = 0; i < 10; i++) expect(await loginFrom(server, `127.0.1.${i + 1}`, 'target@example.com', `guess-${i}`)).toBe(401)
    expect(await loginFrom(server, '127.0.2.1', 'target@example.com', 'target@example.com-password')).toBe(429)
    expect(await loginFrom(server, '127.0.2.1', 'attacker@example.com', 'attacker@example.com-password')).toBe(200)
  })
})

describe('bootstrap settings, each on a fresh database', () => {
  const freshDb = () => join(mkdtempSync(join(tmpdir(), 'portal-bootstrap-')), 'portal.db')

  // Base64 with padding from a vault, and 40 digits (which Nitro's runtime config would read as a number).
  it.each(['Qm9vdHN0cmFwIGtleSBmcm9tIGEgdmF1bHQgc3RvcmU+/x=', '1234567890123456789012345678901234567890'])('a NUXT_BOOTSTRAP_ADMIN_KEY without our ap_ prefix works as given, as a Bearer admin key: %s', async (key) => {
    const server = await spawnServer(freshDb(), { NUXT_BOOTSTRAP_ADMIN_KEY: key, NUXT_JOB_RUNNER: 'false' })
    try {
      expect((await globalThis.fetch(`${server.url}/api/v1/admin/users`, auth(key))).status).toBe(200)
      expect(server.log()).toContain('created the bootstrap admin key from NUXT_BOOTSTRAP_ADMIN_KEY')
      expect(server.log()).not.toContain(key)
    }
    finally {
      await server.stop()
    }
  }, 60_000)

  it.each([
    ['a key too short', { NUXT_BOOTSTRAP_ADMIN_KEY: 'vault-key-123' }, /NUXT_BOOTSTRAP_ADMIN_KEY is too short \(13 characters\): it must be at least 32/],
    ['a key with a line break', { NUXT_BOOTSTRAP_ADMIN_KEY: `${'k'.repeat(40)}\n` }, /NUXT_BOOTSTRAP_ADMIN_KEY has a space or line break at position 41/],
    ['a key with a quote', { NUXT_BOOTSTRAP_ADMIN_KEY: `"${'k'.repeat(40)}"` }, /NUXT_BOOTSTRAP_ADMIN_KEY has a character a Bearer token cannot carry at position 1/],
    ['a password under the minimum', { NUXT_BOOTSTRAP_ADMIN_PASSWORD: 'short-pw' }, /NUXT_BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters/],
  ])('refuses to start with %s, saying why', async (_, env, message) => {
    const dbPath = freshDb()
    const { code, output } = await serverExit(dbPath, env)
    expect(code).toBe(78)
    expect(output).toMatch(message)
    // Refused before anything was written: not even the migrations ran.
    expect(output).not.toMatch(/applied \d+ migration|created the bootstrap admin key/)
  }, 60_000)

  it('refuses to start with a bootstrap key an admin revoked, rather than bringing it back', async () => {
    const dbPath = freshDb()
    const key = 'revoked-bootstrap-key-0123456789abcdef'
    const first = await spawnServer(dbPath, { NUXT_BOOTSTRAP_ADMIN_KEY: key, NUXT_JOB_RUNNER: 'false' })
    try {
      const keys = await (await globalThis.fetch(`${first.url}/api/v1/admin/keys`, auth(key))).json() as { data: { id: number, name: string }[] }
      const id = keys.data.find(k => k.name === 'bootstrap admin')!.id
      expect((await globalThis.fetch(`${first.url}/api/v1/admin/keys/${id}`, { method: 'DELETE', ...auth(key) })).status).toBe(200)
    }
    finally {
      await first.stop()
    }
    const { code, output } = await serverExit(dbPath, { NUXT_BOOTSTRAP_ADMIN_KEY: key })
    expect(code).toBe(78)
    expect(output).toMatch(/NUXT_BOOTSTRAP_ADMIN_KEY was revoked by an admin/)
  }, 60_000)
})

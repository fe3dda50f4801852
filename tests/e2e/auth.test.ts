// Sign-in over HTTP: the session cookie as a credential beside API keys, the users and keys
// admin routes, and the sign-in rate limit (last, since it blocks this address for a minute).
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const ADMIN = { email: 'root@example.com', password: 'e2e-admin-password-123' }
const portal = await usePortal({
  env: {
    NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    NUXT_SESSION_PASSWORD: 'e2e-session-password-0123456789-abcdefghij',
  },
})

async function login(email: string, password: string) {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  const cookie = res.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))
  return { res, body: await res.json() as any, cookie, session: cookie?.split(';')[0] }
}

function withCookie(session: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), cookie: session } }
}

async function send(path: string, session: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(path, withCookie(session, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }))
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) as any }
}

// The server starts in the setup's beforeAll, so the first sign-in waits for it too.
let admin: Awaited<ReturnType<typeof login>>
beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password)
})

describe('POST /api/auth/login', () => {
  it('signs the bootstrap admin in with a sealed, HttpOnly, SameSite cookie', () => {
    expect(admin.res.status).toBe(200)
    expect(admin.body).toEqual({ user: { id: expect.any(Number), email: ADMIN.email, role: 'admin' } })
    expect(admin.cookie).toMatch(/HttpOnly/i)
    expect(admin.cookie).toMatch(/SameSite=Lax/i)
    expect(admin.cookie).toMatch(/; Secure/i)
    // The session lasts 12 hours: the cookie expires then, and so does its sealed content.
    const expires = Date.parse(/Expires=([^;]+)/i.exec(admin.cookie!)![1]!)
    expect(Math.abs(expires - Date.now() - 12 * 3600_000)).toBeLessThan(60_000)
    expect(admin.cookie).not.toContain(ADMIN.email)
  })

  it('answers 401 with the same message for a wrong password and for an unknown email', async () => {
    for (const [email, password] of [[ADMIN.email, 'wrong-password'], ['nobody@example.com', ADMIN.password]] as const) {
      const { res, body, cookie } = await login(email, password)
      expect(res.status).toBe(401)
      expect(body.message).toBe('Wrong email or password')
      expect(cookie).toBeUndefined()
    }
  })

  it('rejects malformed input with the field at fault, and other media types', async () => {
    const { res, body } = await login('not-an-email', 'x')
    expect(res.status).toBe(400)
    expect(body.data.issues).toEqual([{ path: 'email', message: 'must be an email address' }])
    const text = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=a' })
    expect(text.status).toBe(415)
  })

  it('signs in from the plain HTML form (before the page script loads) with redirects, never credentials in a URL', async () => {
    const post = (body: string) => fetch('/api/auth/login', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
    const wrong = await post(`email=${encodeURIComponent(ADMIN.email)}&password=nope&redirect=%2Fclaims`)
    expect(wrong.status).toBe(303)
    expect(wrong.headers.get('location')).toBe('/login?error=credentials&redirect=%2Fclaims')
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const right = await post(`email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}&redirect=%2Fclaims`)
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toBe('/claims')
    expect(right.headers.get('set-cookie')).toMatch(/nuxt-session=/)
    const offsite = await post(`email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}&redirect=%2F%2Fevil.example`)
    expect(offsite.headers.get('location')).toBe('/')
  })
})

describe('the session cookie as a credential', () => {
  it('reads /api/v1 and reaches admin routes for an admin; GET /api/auth/session says who', async () => {
    expect((await fetch('/api/v1/providers?limit=1', withCookie(admin.session!))).status).toBe(200)
    expect((await send('/api/v1/admin/users', admin.session!, 'GET')).status).toBe(200)
    const who = await send('/api/auth/session', admin.session!, 'GET')
    expect(who.body.user).toEqual(admin.body.user)
  })

  it('is refused when tampered with, with a 401 that says the session ended', async () => {
    const tampered = `${admin.session!.slice(0, -4)}AAAA`
    const res = await send('/api/v1/providers', tampered, 'GET')
    expect(res.status).toBe(401)
    expect(res.body.message).toMatch(/session has ended/)
  })

  it('cannot write from another site', async () => {
    const res = await send('/api/v1/admin/keys', admin.session!, 'POST', { name: 'x', role: 'viewer' }, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(res.body.message).toMatch(/Cross-site/)
    const db = new Database(portal.dbPath, { readonly: true })
    expect(db.prepare(`SELECT count(*) AS n FROM api_keys WHERE name = 'x'`).get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('users', () => {
  const viewer = { email: 'Viewer@Example.com', password: 'viewer-password-123', role: 'viewer' }
  let viewerId: number
  let viewerSession: string

  it('creates a user (201), once (409), and says which field is wrong (400)', async () => {
    const created = await send('/api/v1/admin/users', admin.session!, 'POST', viewer)
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(Number), email: 'viewer@example.com', role: 'viewer', createdAt: expect.any(String), disabledAt: null })
    expect(created.body).not.toHaveProperty('passwordHash')
    viewerId = created.body.id
    expect((await send('/api/v1/admin/users', admin.session!, 'POST', { ...viewer, email: 'VIEWER@example.com' })).status).toBe(409)
    const short = await send('/api/v1/admin/users', admin.session!, 'POST', { email: 'x@example.com', password: 'short', role: 'viewer' })
    expect(short.status).toBe(400)
    expect(short.body.data.issues[0].path).toBe('password')
    const role = await send('/api/v1/admin/users', admin.session!, 'POST', { email: 'x@example.com', password: 'long-enough-password', role: 'root' })
    expect(role.body.data.issues[0].path).toBe('role')

    const db = new Database(portal.dbPath, { readonly: true })
    const row = db.prepare('SELECT password_hash AS h FROM users WHERE email = ?').get('viewer@example.com') as { h: string }
    expect(row.h).toMatch(/^\$scrypt\$/)
    expect(row.h).not.toContain(viewer.password)
    expect(db.prepare(`SELECT actor, action, target FROM audit_log WHERE action = 'users.create'`).all()).toEqual([{ actor: `user:${admin.body.user.id}`, action: 'users.create', target: `user:${viewerId}` }])
    db.close()
  })

  it('a viewer\'s session reads but cannot write or reach admin routes', async () => {
    const signedIn = await login('viewer@example.com', viewer.password)
    expect(signedIn.res.status).toBe(200)
    viewerSession = signedIn.session!
    expect((await send('/api/v1/claims?limit=1', viewerSession, 'GET')).status).toBe(200)
    const adminRoute = await send('/api/v1/admin/users', viewerSession, 'GET')
    expect(adminRoute.status).toBe(403)
    expect(adminRoute.body.message).toBe('This needs the admin role; the user has viewer')
    expect((await send('/api/v1/claims/1', viewerSession, 'PATCH', { status: 'pending' })).status).toBe(403)
  })

  it('disabling a user ends its session at once; an admin cannot disable itself', async () => {
    expect((await send(`/api/v1/admin/users/${admin.body.user.id}`, admin.session!, 'DELETE')).status).toBe(409)
    const disabled = await send(`/api/v1/admin/users/${viewerId}`, admin.session!, 'DELETE')
    expect(disabled.status).toBe(200)
    expect(disabled.body.disabledAt).toEqual(expect.any(String))
    expect((await send('/api/v1/claims?limit=1', viewerSession, 'GET')).status).toBe(401)
    expect((await login('viewer@example.com', viewer.password)).res.status).toBe(401)
    expect((await send(`/api/v1/admin/users/${viewerId}`, admin.session!, 'DELETE')).status).toBe(409)
    expect((await send('/api/v1/admin/users/99999', admin.session!, 'DELETE')).status).toBe(404)
    expect((await send('/api/v1/admin/users/abc', admin.session!, 'DELETE')).status).toBe(400)
  })
})

describe('API keys', () => {
  it('creates a key shown once, lists it without the key, and revokes it at once', async () => {
    const created = await send('/api/v1/admin/keys', admin.session!, 'POST', { name: 'billing export', role: 'viewer' })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    expect(created.body).toMatchObject({ name: 'billing export', role: 'viewer', revokedAt: null, key: expect.stringMatching(/^ap_/) })
    const key = created.body.key as string
    expect((await fetch('/api/v1/providers?limit=1', auth(key))).status).toBe(200)

    const list = await send('/api/v1/admin/keys', admin.session!, 'GET')
    expect(JSON.stringify(list.body)).not.toContain(key)
    expect(list.body.data.find((k: any) => k.id === created.body.id)).toMatchObject({ prefix: key.slice(0, 9), lastUsedAt: expect.any(String) })

    expect((await send(`/api/v1/admin/keys/${created.body.id}`, admin.session!, 'DELETE')).status).toBe(200)
    expect((await fetch('/api/v1/providers?limit=1', auth(key))).status).toBe(401)
    expect((await send(`/api/v1/admin/keys/${created.body.id}`, admin.session!, 'DELETE')).status).toBe(409)
    expect((await send('/api/v1/admin/keys/424242', admin.session!, 'DELETE')).status).toBe(404)
    expect((await send('/api/v1/admin/keys', admin.session!, 'POST', { name: '', role: 'viewer' })).body.data.issues[0].path).toBe('name')
  })

  it('an /api/v1 path with no route is a 404, not a sign-in page', async () => {
    const res = await fetch('/api/v1/no-such-route', auth(portal.keys.admin))
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/json/)
  })

  it('works with an admin API key as well as a session', async () => {
    const res = await fetch('/api/v1/admin/keys', auth(portal.keys.admin))
    expect(res.status).toBe(200)
    expect((await fetch('/api/v1/admin/keys', auth(portal.keys.operator))).status).toBe(403)
  })
})

describe('sign-out and the rate limit', () => {
  it('POST /api/auth/logout clears the cookie', async () => {
    const res = await fetch('/api/auth/logout', withCookie(admin.session!, { method: 'POST' }))
    expect(res.status).toBe(200)
    const cleared = res.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))
    expect(cleared).toMatch(/nuxt-session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i)
  })

  it('after 10 failures from one address, answers 429 with Retry-After, even for the right password', async () => {
    // A success resets nothing (tests/e2e/sessions.test.ts counts exactly), so this file's earlier
    // failures still count within their minute: the 429 comes at the 10th failure at the latest.
    const statuses: number[] = []
    for (let i = 0; i < 10 && !statuses.includes(429); i++) statuses.push((await login(ADMIN.email, `wrong-${i}`)).res.status)
    expect(statuses.filter(s => s !== 401 && s !== 429)).toEqual([])
    const blocked = await login(ADMIN.email, ADMIN.password)
    expect(blocked.res.status).toBe(429)
    expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(blocked.res.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(blocked.cookie).toBeUndefined()
  })
})

// The redirect after sign-in: only ever a path on this site. Each hostile value is one a browser
// would follow off-site (or that broke the Location header) before the URL parser decided.
import { describe, expect, it } from 'vitest'
import { landingAfterSignIn, needsAdmin, NOTICES, noticeText, safeRedirect } from '../../utils/redirect.ts'
import { HOSTILE_REDIRECTS } from './redirect-fixture.ts'


describe('safeRedirect', () => {
  it.each(HOSTILE_REDIRECTS)('refuses %j', (value) => {
    expect(safeRedirect(value)).toBe('/')
  })

  it('keeps a path on this site with its query and hash, in the form a Location header can carry', () => {
    expect(safeRedirect('/claims?status=denied#top')).toBe('/claims?status=denied#top')
    expect(safeRedirect(['/denials', '//evil.example'])).toBe('/denials')
    // Encoded slashes stay encoded: a path segment on this site, not a host.
    expect(safeRedirect('/%2F/evil.example')).toBe('/%2F/evil.example')
    expect(safeRedirect('/%5C/evil.example')).toBe('/%5C/evil.example')
    // Non-Latin-1 characters come back percent-encoded (a raw U+3000 in Location was a 500).
    for (const value of ['/\u3000/evil.example', '/\u000B/evil.example', '/claims?payer=\u3000', '/\u2028x', '/caf\u00e9', '/\u{1F4A9}']) {
      const out = safeRedirect(value)
      expect(out).toMatch(/^\/(?!\/)[\x21-\x7e]*$/)
      expect(new URL(out, 'https://portal.example').origin).toBe('https://portal.example')
    }
  })

  it('refuses non-strings and values that do not start with a slash', () => {
    for (const value of [undefined, null, 42, {}, [], [42], 'claims']) expect(safeRedirect(value)).toBe('/')
  })

  it('never gives anything a browser resolves to another origin, across a broad generated class', () => {
    const pieces = ['/', '\\', '\t', '\n', '\r', ' ', '.', '%2F', '%5C', '\u3000', '\u00a0', 'evil.example', ':', '@', '?', '#']
    let tried = 0
    for (const a of pieces) for (const b of pieces) for (const c of pieces) {
      const value = `/${a}${b}${c}evil.example`
      const out = safeRedirect(value)
      tried++
      expect(new URL(out, 'https://portal.example').origin, JSON.stringify(value)).toBe('https://portal.example')
      expect(out, JSON.stringify(value)).toMatch(/^\/(?!\/)[\x21-\x7e]*$/)
    }
    expect(tried).toBe(pieces.length ** 3)
  })
})

describe('landingAfterSignIn', () => {
  it('sends a user whose role may not open the page asked for to the overview, with the notice why', () => {
    for (const role of ['viewer', 'operator', undefined]) {
      for (const target of ['/admin', '/admin/queries', '/admin/queries?window=1h', '/ADMIN/users', '/%61dmin/users', '/claims/../admin/jobs']) {
        expect(landingAfterSignIn(target, role)).toBe('/?notice=admin-only')
      }
    }
    expect(noticeText(new URL(landingAfterSignIn('/admin/queries', 'viewer'), 'http://x').searchParams.get('notice'))).toMatch(/needs the admin role/)
  })

  it('sends everyone else where they asked, and an admin to the admin pages', () => {
    expect(landingAfterSignIn('/admin/queries', 'admin')).toBe('/admin/queries')
    expect(landingAfterSignIn('/claims?status=denied', 'viewer')).toBe('/claims?status=denied')
    expect(landingAfterSignIn('/administrators', 'viewer')).toBe('/administrators')
    expect(landingAfterSignIn('//evil.example/admin', 'viewer')).toBe('/')
    expect(needsAdmin('/account')).toBe(false)
  })

  it('shows only its own notices, never words from the link', () => {
    expect(noticeText('admin-only')).toBe(NOTICES['admin-only'])
    for (const value of ['Your account is locked, call 555-0100', 'toString', '__proto__', ['admin-only'], undefined]) expect(noticeText(value)).toBeUndefined()
  })
})

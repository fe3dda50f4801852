// Where to go after sign-in. The value comes from the URL (`/login?redirect=…`), so anyone can
// write it. It is resolved by the URL parser, as the browser will resolve the Location header,
// against a stand-in origin: anything that lands on another origin (`//evil`, `/\evil`,
// `/<TAB>/evil`, whose tab the parser drops, `https:`, `javascript:`) is refused. What is
// returned is the parser's own serialisation, so it is plain ASCII (a U+3000 in the input comes
// back percent-encoded) and fits in a Location header.
const ORIGIN = 'http://portal.invalid'
/** The sign-in page itself: going back there after signing in would loop. */
const LOGIN = /^\/login\/?$/i

/** A path on this site to go to after sign-in, or `/`. */
export function safeRedirect(value: unknown): string {
  const target = Array.isArray(value) ? value[0] : value
  if (typeof target !== 'string' || !target.startsWith('/')) return '/'
  let url: URL
  try {
    url = new URL(target, ORIGIN)
  }
  catch {
    return '/'
  }
  if (url.origin !== ORIGIN || isLogin(url.pathname)) return '/'
  // Two slashes after the parser had its say would still read as another host to a browser that
  // receives them as a path (`//evil` in Location): never hand them out.
  const path = url.pathname + url.search + url.hash
  return path.startsWith('//') ? '/' : path
}

function isLogin(pathname: string): boolean {
  let decoded = pathname
  try {
    decoded = decodeURIComponent(pathname)
  }
  catch {}
  return LOGIN.test(decoded) || LOGIN.test(pathname)
}

/** Pages only an admin may open (the API checks the role again on every request). */
export function needsAdmin(path: string): boolean {
  // The router matches case-insensitively and decoded, so /ADMIN/users and /%61dmin are admin pages too.
  let p = path.toLowerCase()
  try {
    p = decodeURIComponent(p)
  }
  catch {}
  return /^\/admin(?:[/?#]|$)/.test(p)
}

/**
 * Why the user landed somewhere else than they asked: the `notice` query value and what the
 * layout says. A closed set, so a crafted link cannot put its own words on the page.
 */
export const NOTICES = {
  'admin-only': 'The page you asked for needs the admin role, so you are on the overview instead.',
} as const
export type Notice = keyof typeof NOTICES

export function noticeText(value: unknown): string | undefined {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value) ? NOTICES[value as Notice] : undefined
}

/**
 * Where a user with `role` goes after signing in: the page they asked for (`safeRedirect`), or
 * the overview with a notice when that page needs a role they lack. Going there anyway would
 * refuse them, and from the sign-in form that refusal reads as a failed sign-in.
 */
export function landingAfterSignIn(value: unknown, role: string | undefined): string {
  const target = safeRedirect(value)
  return needsAdmin(target) && role !== 'admin' ? '/?notice=admin-only' : target
}

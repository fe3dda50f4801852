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

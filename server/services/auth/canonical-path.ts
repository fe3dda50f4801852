// Every path has one spelling. h3 percent-decodes a path before routing and rou3 ignores a trailing
// slash, so `/%61pi/v1/claims` and `/metrics/` reach the same handlers as their plain spellings;
// an access decision made on any other spelling than the one the router matches can be bypassed.
// Rather than teach every check each decoder's rules, a request whose path is not already in its
// canonical form is refused before it reaches routing, and the plain path is then the only one.

/** The characters a path segment of this portal may hold: RFC 3986's unreserved set. */
const SEGMENT = /^[A-Za-z0-9\-._~]+$/

/**
 * Why `path` (a request target's path, before any `?`) is not in its canonical form, or
 * undefined when it is. Canonical: starts with one `/`, no empty, `.` or `..` segments, no
 * trailing slash, and only unreserved characters: no percent-encoding, `;` parameters,
 * backslashes or anything a decoder could turn into another path.
 */
export function pathProblem(path: string): string | undefined {
  if (path === '/') return undefined
  if (!path.startsWith('/')) return 'must start with /'
  if (path.endsWith('/')) return 'must not end with /'
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'must not contain an empty segment (//)'
    if (segment === '.' || segment === '..') return 'must not contain a . or .. segment'
    if (!SEGMENT.test(segment)) return 'may only contain letters, digits, -, ., _ and ~ between slashes (no percent-encoding, ; parameters or backslashes)'
  }
  return undefined
}

/** The path of a request target: everything before its query. */
export function targetPath(target: string): string {
  const q = target.indexOf('?')
  return q === -1 ? target : target.slice(0, q)
}

// Query parameter names a route does not take: a 400 naming each, never silently ignored (an
// ignored `patientRef` once answered other patients' claims to a client that meant to filter).
import type { InputIssue } from './validation-issues.ts'

/** The query part of a request path (`/x?a=1#f` → `a=1`). */
export function searchOf(path: string): string {
  const q = path.indexOf('?')
  if (q < 0) return ''
  const hash = path.indexOf('#', q)
  return path.slice(q + 1, hash < 0 ? undefined : hash)
}

/**
 * One issue per parameter name in `search` that `known` does not list. Names are read from the
 * raw query (URLSearchParams), not from the parsed object, because the parser h3 uses drops
 * `__proto__` and `constructor` without a word.
 */
export function unknownParams(search: string, known: readonly string[]): InputIssue[] {
  const names = new Set(new URLSearchParams(search).keys())
  const takes = known.length ? `it takes ${known.join(', ')}` : 'it takes none'
  return [...names].filter(name => !known.includes(name))
    .map(name => ({ path: name, message: `is not a parameter of this route (${takes})` }))
}

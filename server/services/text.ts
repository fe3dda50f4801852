// Which characters stored text may not hold. A stored string ends up in rollup keys, CSV exports,
// logs and the dashboard, where these characters do harm while meaning nothing in a claim or a
// name: a NUL ends the string for C code (the claims rollup reported "Acme" for "Acme\u0000Health"),
// line breaks forge extra lines in exports and logs, and bidi controls make text display other
// than it reads ("Trojan Source", CVE-2021-42574).

/**
 * C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F) are `\p{Cc}`; U+2028/U+2029 are line breaks to
 * JavaScript and many viewers though not to JSON; U+202A–U+202E and U+2066–U+2069 are the bidi
 * embeddings, overrides and isolates. The bidi marks (U+200E, U+200F, U+061C) stay allowed: they
 * only nudge neutral characters, and right-to-left names may need them.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u

/** Why `s` may not be stored (the first bad character and where it is), or undefined when it may. */
export function unsafeTextReason(s: string): string | undefined {
  // A lone surrogate would be stored as U+FFFD: the row would no longer hold what was sent.
  if (!s.isWellFormed()) return 'is not valid Unicode text (an unpaired surrogate)'
  const found = UNSAFE.exec(s)
  if (!found) return undefined
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  return `must not contain control characters (U+${code} at position ${found.index})`
}

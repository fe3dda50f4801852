// NUXT_CORS_ORIGINS: the origins whose browser pages may call /api/v1. Each entry is normalised to
// a URL origin (scheme, host, port) so that it compares equal to a browser's Origin header.

export interface ParsedOrigins {
  origins: string[]
  /** Entries that are not an http(s) origin, to be reported at start. */
  invalid: string[]
}

export function parseCorsOrigins(text: string | undefined): ParsedOrigins {
  const origins: string[] = []
  const invalid: string[] = []
  for (const entry of String(text ?? '').split(',').map(s => s.trim()).filter(Boolean)) {
    const origin = originOf(entry)
    if (origin) {
      if (!origins.includes(origin)) origins.push(origin)
    }
    else invalid.push(entry)
  }
  return { origins, invalid }
}

function originOf(entry: string): string | undefined {
  try {
    const url = new URL(entry)
    // An origin has no path, query or credentials: "https://a.example/x" is a mistake, not an origin.
    if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash || !['', '/'].includes(url.pathname)) return undefined
    return url.origin
  }
  catch {
    return undefined
  }
}

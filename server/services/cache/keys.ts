// Cache keys come from the parsed input, never the raw URL: `?a=1&b=2` and `?b=2&a=1` are one
// entry, and a patient id in a filter is hashed, never stored in clear.
// Both run on every cached request, HIT or not (about 1 µs together): one string built by
// concatenation and the one-shot crypto.hash, rather than arrays of parts and a Hash object.
import { hash } from 'node:crypto'

/** JSON with object keys sorted at every level; undefined fields are dropped as JSON does. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableStringify(value[i])
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  let out = '{'
  for (const k of Object.keys(record).sort()) {
    if (record[k] === undefined) continue
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${stableStringify(record[k])}`
  }
  return `${out}}`
}

/** 128 bits of SHA-256, base64url: short, and no input can be read back from it. */
export function hashInput(input: unknown): string {
  return hash('sha256', stableStringify(input), 'base64url').slice(0, 22)
}

/** A strong ETag for a body. */
export function etagOf(body: string): string {
  return `"${hash('sha1', body, 'base64url')}"`
}

export function entryKey(namespace: string, version: number, generation: string, input: unknown): string {
  return `${namespace}:v${version}:g${generation}:${hashInput(input)}`
}

// Cache keys come from the parsed input, never the raw URL: `?a=1&b=2` and `?b=2&a=1` are one
// entry, and a patient id in a filter is hashed, never stored in clear.
import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level; undefined fields are dropped as JSON does. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  const fields = Object.keys(value as object).sort()
    .filter(k => (value as Record<string, unknown>)[k] !== undefined)
    .map(k => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
  return `{${fields.join(',')}}`
}

/** 128 bits of SHA-256, base64url: short, and no input can be read back from it. */
export function hashInput(input: unknown): string {
  return createHash('sha256').update(stableStringify(input)).digest('base64url').slice(0, 22)
}

/** A strong ETag for a body. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

export function entryKey(namespace: string, version: number, generation: string, input: unknown): string {
  return `${namespace}:v${version}:g${generation}:${hashInput(input)}`
}

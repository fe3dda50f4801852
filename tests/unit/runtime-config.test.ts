// Nitro's useRuntimeConfig(event) copies the whole runtime config and re-reads the environment into
// it for each request it is given (30% of a cached hit's CPU when the HSTS check called it on every
// answer); without an event it answers the config read once at start. Code that runs per request
// must use the latter.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap(e => e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])

describe('per-request code', () => {
  it('reads the runtime config once, never per event', () => {
    const all = ['server/middleware', 'server/utils', 'server/plugins', 'server/api', 'server/routes'].flatMap(d => files(join(ROOT, d)))
    expect(all.length).toBeGreaterThan(40)
    const offenders = all.filter(f => /useRuntimeConfig\(\s*[^)\s]/.test(readFileSync(f, 'utf8'))).map(f => relative(ROOT, f))
    expect(offenders).toEqual([])
  })
})

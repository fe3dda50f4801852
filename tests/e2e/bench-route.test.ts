// The benchmark fixture GET /_bench/static (server/plugins/bench-routes.ts) must not exist in
// normal operation: without NUXT_BENCH_ROUTES=true it is the app's 404, even when a fixture file
// is named and even for an admin, and it never answers the fixture's bytes.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { auth, fetch, usePortal } from './portal.ts'

const fixture = join(mkdtempSync(join(tmpdir(), 'bench-route-off-')), 'answer.json')
const MARKER = 'bench-fixture-body-7f3a'
writeFileSync(fixture, JSON.stringify({ contentType: 'application/json', body: `{"marker":"${MARKER}"}` }))
const portal = await usePortal({ env: { NUXT_BENCH_STATIC_FILE: fixture } })

describe('benchmark fixture route, flag off', () => {
  it('answers 404 without NUXT_BENCH_ROUTES, with or without a key, and never the fixture bytes', async () => {
    for (const init of [{}, auth(portal.keys.admin)]) {
      const res = await fetch('/_bench/static', init)
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain(MARKER)
    }
  })
})

// With NUXT_BENCH_ROUTES=true (as `npm run bench` starts the portal for the cache-stack scenario)
// GET /_bench/static answers exactly the bytes and content type of the fixture file, with no key,
// and the API beside it still needs one.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fetch, usePortal } from './portal.ts'

const fixture = join(mkdtempSync(join(tmpdir(), 'bench-route-on-')), 'answer.json')
const body = '{"data":[{"period":"2026-06","claims":12,"billedCents":345600}],"note":"é"}'
writeFileSync(fixture, JSON.stringify({ contentType: 'application/json; charset=utf-8', body }))
await usePortal({ env: { NUXT_BENCH_ROUTES: 'true', NUXT_BENCH_STATIC_FILE: fixture } })

describe('benchmark fixture route, flag on', () => {
  it('answers the fixture bytes and content type, without credentials', async () => {
    const res = await fetch('/_bench/static')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await res.text()).toBe(body)
  })

  it('leaves the API behind its keys', async () => {
    expect((await fetch('/api/v1/claims/metrics')).status).toBe(401)
  })
})

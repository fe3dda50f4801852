// Expected failures (no such row, a refused change, a rejected batch, a bad cursor) are thrown as
// DomainErrors and answered by the error handler: their status and h3 error shape, never a 500,
// no stack in the body, and nothing in the server's log (they are answers, not faults). Read on a
// server of our own, whose log this test reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, usePortal } from './portal.ts'
import { spawnServer, type SpawnedServer } from './spawn-server.ts'

const portal = await usePortal({ seed: { claims: 5, people: 1 } })
let server: SpawnedServer
beforeAll(async () => {
  server = await spawnServer(portal.dbPath, { NUXT_JOB_SCHEDULE: 'off' })
})
afterAll(() => server?.stop())

const LOGGED_FAULT = /uncaught|unhandled|\n\s+at\s|DomainError|\[api\]|Error:/i

async function call(method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'authorization': `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

describe('expected failures', () => {
  it('answer their status and text, with no stack, and leave the log quiet', async () => {
    const list = await call('GET', '/api/v1/claims?limit=1')
    const first = (Object.values(list.body).find(Array.isArray) as { id: number }[])[0]!
    const cases: [string, string, unknown, object][] = [
      ['GET', '/api/v1/claims/999999', undefined, { statusCode: 404, statusMessage: 'Not Found', message: 'No claim with id 999999' }],
      // Cached routes: thrown inside the cached computation, twice (never stored as an answer).
      ['GET', '/api/v1/providers/999999', undefined, { statusCode: 404, statusMessage: 'Not Found', message: 'No provider with id 999999' }],
      ['GET', '/api/v1/providers/999999', undefined, { statusCode: 404, statusMessage: 'Not Found', message: 'No provider with id 999999' }],
      ['GET', '/api/v1/jobs/999999', undefined, { statusCode: 404, statusMessage: 'Not Found', message: 'No job with id 999999' }],
      ['DELETE', '/api/v1/admin/keys/999999', undefined, { statusCode: 404, statusMessage: 'Not Found', message: 'No API key with id 999999' }],
      ['PATCH', `/api/v1/claims/${first.id}`, { status: 'paid', paidCents: 10_000_000_000 }, { statusCode: 409, statusMessage: 'Conflict' }],
      ['POST', '/api/v1/claims', [{ nonsense: true }], { statusCode: 400, statusMessage: 'Bad Request', data: { issues: expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^\[0\]/) })]) } }],
      ['GET', '/api/v1/claims?cursor=not-a-cursor', undefined, { statusCode: 400, statusMessage: 'Bad Request', data: { issues: [{ path: 'cursor', message: expect.any(String) }] } }],
    ]
    for (const [method, path, body, expected] of cases) {
      const out = await call(method, path, body)
      expect(out.status, `${method} ${path}`).toBe((expected as { statusCode: number }).statusCode)
      expect(out.body, `${method} ${path}`).toMatchObject(expected)
      expect(JSON.stringify(out.body), `${method} ${path}`).not.toMatch(/stack|\.ts:\d+|\n\s+at\s/)
    }
    await new Promise(r => setTimeout(r, 300))
    expect(server.log()).toContain('Listening') // the capture works
    expect(server.log()).not.toMatch(LOGGED_FAULT)
  }, 60_000)
})

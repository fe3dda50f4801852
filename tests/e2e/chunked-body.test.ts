// A body streamed in chunks (Transfer-Encoding: chunked, no Content-Length) past a route's limit:
// a 413, the upload cut off rather than read to its end, no uncaught exception or stack in the
// server's log, and the server still answering. Sent to every write route on disk, on a server
// of our own whose log this test reads.
import { Agent, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, usePortal } from './portal.ts'
import { ROUTES } from './sweep.ts'
import { spawnServer, type SpawnedServer } from './spawn-server.ts'

const ADMIN = { email: 'chunked@example.com', password: 'chunked-admin-password-1' }
const BOOTSTRAP = { NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password }
const portal = await usePortal({ seed: { claims: 50, people: 1 }, env: BOOTSTRAP })
let server: SpawnedServer
/** A signed-in session as well as the admin key: POST /api/auth/password takes only a session. */
let cookie = ''
beforeAll(async () => {
  server = await spawnServer(portal.dbPath, { NUXT_JOB_SCHEDULE: 'off', ...BOOTSTRAP })
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })
  cookie = login.headers.getSetCookie().find(c => c.startsWith('nuxt-session='))!.split(';')[0]!
})
afterAll(() => server?.stop())

/** Write routes that read no body: a chunked upload to them is simply not read. */
const READS_NO_BODY = ['DELETE /api/v1/admin/cache', 'DELETE /api/v1/admin/keys/{id}', 'DELETE /api/v1/admin/users/{id}', 'POST /api/auth/logout', 'POST /api/v1/admin/backup']
/** No route reads more than this; an upload still going past it was never cut off. */
const GIVE_UP_BYTES = 1024 * 1024 * 1024

interface Outcome { status: number, body: string, sentBytes: number, reused: boolean }

/**
 * Streams spaces in 64 KiB chunks until the server answers (or GIVE_UP_BYTES), then, as a client
 * that reads the answer would, ends the body and reads the answer; then sends GET /healthz on the
 * same keep-alive connection, to see the connection still works.
 */
async function streamUntilAnswered(method: string, path: string, type: string, framing: Record<string, string> = { 'transfer-encoding': 'chunked' }): Promise<Outcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const { status, body, sentBytes } = await new Promise<Omit<Outcome, 'reused'>>((resolve, reject) => {
      let sentBytes = 0
      let answered = false
      const req = request(new URL(path, server.url), { agent, method, headers: { 'content-type': type, authorization: `Bearer ${ADMIN_KEY}`, cookie, ...framing } }, (res) => {
        answered = true
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c) => { body += c })
        // The socket goes back to the agent once the body is sent too, not only the answer read.
        const sent = framing['transfer-encoding'] ? new Promise((done) => { req.once('finish', done); req.once('close', done) }) : Promise.resolve()
        res.on('end', () => void sent.then(() => resolve({ status: res.statusCode!, body, sentBytes })))
        if (framing['transfer-encoding']) req.end()
        else req.destroy()
      })
      req.on('error', (error) => { if (!answered) reject(error) })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (!answered && sentBytes < GIVE_UP_BYTES) {
          sentBytes += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        if (!answered) req.end()
      }
      pump()
    })
    const reused = await new Promise<boolean>((resolve, reject) => {
      const probe = request(new URL('/healthz', server.url), { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode === 200 && probe.reusedSocket))
      })
      probe.on('error', reject).end()
    })
    return { status, body, sentBytes, reused }
  }
  finally {
    agent.destroy()
  }
}

/** Streams without stopping, as a client that ignores the answer: the bytes sent until the server cuts it off. */
function streamRegardless(path: string): Promise<number> {
  return new Promise((resolve) => {
    let sentBytes = 0
    let done = false
    const finish = () => { if (!done) { done = true; resolve(sentBytes) } }
    const req = request(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${ADMIN_KEY}` } }, res => res.resume())
    req.on('error', finish)
    req.on('close', finish)
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    const pump = () => {
      while (!done && sentBytes < GIVE_UP_BYTES) {
        sentBytes += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.destroy()
      finish()
    }
    pump()
  })
}

const STACK = /uncaught|unhandled|\n\s+at\s|TypeError|RangeError|Error:/i

describe('a chunked body over the limit', () => {
  const writes = ROUTES.filter(r => r.method !== 'GET')
  const reading = writes.filter(r => !READS_NO_BODY.includes(`${r.method} ${r.path}`))

  it('is a 413 on every body-reading route, in every format it takes, cut off, with nothing in the log', async () => {
    expect(reading.length).toBeGreaterThanOrEqual(8)
    const sent: string[] = []
    for (const route of reading) {
      const path = route.path.replace('{id}', '1')
      const types = route.path === '/api/v1/claims' ? ['application/json', 'application/x-ndjson', 'text/csv']
        : /health-data|supplement-intakes/.test(route.path) ? ['application/json', 'application/x-ndjson']
          : route.path === '/api/auth/login' ? ['application/json', 'application/x-www-form-urlencoded']
            : ['application/json']
      for (const type of types) {
        const label = `${route.method} ${path} ${type}`
        const out = await streamUntilAnswered(route.method, path, type).catch((error: Error) => { throw new Error(`${label}: ${error.message}`) })
        sent.push(label)
        expect(out.status, label).toBe(413)
        expect(JSON.parse(out.body), label).toMatchObject({ statusCode: 413, message: expect.stringMatching(/at most \d+ bytes/) })
        // Refused at the limit, not after reading whatever the client sent.
        expect(out.sentBytes, label).toBeLessThan(GIVE_UP_BYTES)
        // The client ended its body: the same connection answers the next request.
        expect(out.reused, label).toBe(true)
      }
    }
    expect(sent.length).toBeGreaterThanOrEqual(13)
    // Give a late exception (on the response's finish, on the socket's close) time to be logged.
    await new Promise(r => setTimeout(r, 300))
    expect(server.log()).toContain('Listening')
    expect(server.log()).not.toMatch(STACK)
  }, 120_000)

  it('a declared Content-Length over the limit is a 413 too, and routes that read no body stay healthy', async () => {
    const declared = await streamUntilAnswered('POST', '/api/v1/admin/keys', 'application/json', { 'content-length': String(GIVE_UP_BYTES) })
    expect(declared.status).toBe(413)
    for (const route of writes.filter(r => READS_NO_BODY.includes(`${r.method} ${r.path}`))) {
      const out = await streamUntilAnswered(route.method, route.path.replace('{id}', '999999'), 'application/json')
      expect(out.status, route.path).toBeLessThan(500)
    }
    // A client that ignores the 413 and streams on is cut off (64 MiB past the 64 KiB limit, at
    // least 250 ms after the answer), not read forever.
    expect(await streamRegardless('/api/v1/admin/keys')).toBeLessThan(GIVE_UP_BYTES)
    const claims = await fetch(`${server.url}/api/v1/claims?limit=1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect(claims.status).toBe(200)
    await new Promise(r => setTimeout(r, 300))
    expect(server.log()).not.toMatch(STACK)
  }, 60_000)
})

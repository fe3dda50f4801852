// The shared cache across Redis outages, against a private redis-server this file starts, kills
// and starts again (skipped, saying so, where redis-server is not installed). What another
// process does to Redis is done here by writing its generation key directly.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import Redis from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { cached, configureCache, redisStatus } from '../../server/services/cache/index.ts'

const available = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
const dir = mkdtempSync(`${tmpdir()}/portal-unit-redis-`)
let port = 0
let redis: ChildProcess | undefined

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise(done => server.close(done))
  return port
}

async function until(ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(r => setTimeout(r, 25))
  }
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  await until(() => redisStatus()?.connected === true)
}

async function killRedis(): Promise<void> {
  const dead = new Promise(done => redis!.once('exit', done))
  redis!.kill('SIGKILL')
  await dead
  await until(() => redisStatus()?.connected === false)
}

afterAll(async () => {
  await configureCache({})
  redis?.kill('SIGKILL')
})

describe.skipIf(!available)(available ? 'the shared cache across Redis outages' : 'the shared cache across Redis outages: SKIPPED, redis-server is not installed', () => {
  it('does not answer in a second outage with what it kept in the first, when another process invalidated in between', { timeout: 30_000 }, async () => {
    port = await freePort()
    await configureCache({ redisUrl: `redis://127.0.0.1:${port}`, prefix: 'unit-outages' })
    await startRedis()
    const input = { outages: true }
    expect((await cached('claims:metrics', input, () => 'before')).body).toBe('"before"')

    await killRedis()
    // First outage: computed and kept in process.
    expect((await cached('claims:metrics', input, () => 'first outage'))).toMatchObject({ status: 'MISS', body: '"first outage"' })
    expect((await cached('claims:metrics', input, () => 'unused')).status).toBe('HIT')

    await startRedis()
    // Another process writes and invalidates; this one reads nothing of claims:metrics meanwhile.
    const other = new Redis(port, '127.0.0.1')
    await other.set('unit-outages:_gen:claims:metrics', 'set-by-another-process')
    other.disconnect()

    await killRedis()
    const second = await cached('claims:metrics', input, () => 'second outage')
    expect(second).toMatchObject({ status: 'MISS', body: '"second outage"' })
  })

})

// NUXT_CACHE_REDIS_URL: the ACL user, password, db and TLS it names reach the Redis client the
// cache opens (its only connection). No TLS Redis runs here: the client's options are the proof.
import { afterEach, describe, expect, it } from 'vitest'
import { RedisBackend, redisUrlOptions } from '../../server/services/cache/backends.ts'

let backend: RedisBackend | undefined
afterEach(async () => {
  await backend?.dispose()
  backend = undefined
})

// Port 1 on loopback: nothing listens, so the client fails to connect and never sends the password anywhere.
const open = (url: string) => (backend = new RedisBackend(url, 'unit-url')).client.options

describe('the Redis client options', () => {
  it('rediss:// turns TLS on, checking the certificate against the host name', () => {
    expect(open('rediss://cache-user:s3cret@localhost:1/2')).toMatchObject({ tls: { servername: 'localhost' }, username: 'cache-user', password: 's3cret', host: 'localhost', port: 1, db: 2 })
  })

  it('in any spelling of the scheme, and for an address without SNI', () => {
    expect(open('REDISS://:pw@127.0.0.1:1').tls).toEqual({})
    expect(open('REDISS://:pw@127.0.0.1:1').password).toBe('pw')
  })

  it('redis:// stays plain, with a password alone (requirepass) or an ACL user', () => {
    const plain = open('redis://:only-password@127.0.0.1:1/0')
    expect(plain.tls).toBeUndefined()
    expect(plain).toMatchObject({ password: 'only-password', username: '', db: 0 })
    expect(open('redis://u%40x:p%2Fw@127.0.0.1:1')).toMatchObject({ username: 'u@x', password: 'p/w' })
  })

  it('keeps the fail-fast settings beside what the URL says', () => {
    expect(open('rediss://u:p@localhost:1')).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000 })
  })

  it('refuses a URL of another scheme without repeating it (it may hold a password)', () => {
    for (const url of ['http://u:topsecret@host:6379', 'topsecret@host:6379', 'not a url topsecret']) {
      expect(() => redisUrlOptions(url)).toThrow(/NUXT_CACHE_REDIS_URL/)
      expect(() => redisUrlOptions(url)).not.toThrow(/topsecret/)
    }
  })
})

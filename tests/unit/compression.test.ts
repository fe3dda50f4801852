import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { clearCompressedMemo, compressBody, isCompressible, negotiateCoding } from '../../server/services/http/compression.ts'

describe('negotiateCoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0, identity', undefined],
    ['gzip;q=0, *', 'br'],
    ['deflate, zstd', undefined],
    ['GZIP', 'gzip'],
  ])('Accept-Encoding %j → %s', (header, coding) => {
    expect(negotiateCoding(header)).toBe(coding)
  })
})

describe('isCompressible', () => {
  it('takes text formats and leaves binary ones', () => {
    for (const t of ['application/json', 'application/json; charset=utf-8', 'text/html;charset=utf-8', 'text/csv', 'application/x-ndjson', 'text/plain; version=0.0.4', 'application/problem+json', 'image/svg+xml']) expect(isCompressible(t), t).toBe(true)
    for (const t of [undefined, 'image/png', 'application/octet-stream', 'application/zip', 'font/woff2']) expect(isCompressible(t), String(t)).toBe(false)
  })
})

describe('compressBody', () => {
  const body = JSON.stringify({ data: Array.from({ length: 200 }, (_, i) => ({ id: i, payer: 'Aetna', status: 'denied' })) })

  it('round-trips through brotli and gzip, and shrinks JSON', async () => {
    const br = await compressBody(body, 'br')
    const gz = await compressBody(body, 'gzip')
    expect(brotliDecompressSync(br).toString()).toBe(body)
    expect(gunzipSync(gz).toString()).toBe(body)
    expect(br.length).toBeLessThan(body.length / 5)
  })

  it('reuses the compressed bytes of the same ETag, and only for a strong one', async () => {
    clearCompressedMemo()
    const first = await compressBody(body, 'br', '"abc"')
    expect(await compressBody('something else', 'br', '"abc"')).toBe(first)
    expect(await compressBody(body, 'gzip', '"abc"')).not.toBe(first)
    const weak = await compressBody(body, 'br', 'W/"abc"')
    expect(await compressBody(body, 'br', 'W/"abc"')).not.toBe(weak)
  })
})

// NUXT_CORS_ORIGINS: comma-separated origins, normalised to what a browser sends as Origin.
import { describe, expect, it } from 'vitest'
import { parseCorsOrigins } from '../../server/services/http/cors-origins.ts'

describe('parseCorsOrigins', () => {
  it('is empty (CORS closed) when unset or blank', () => {
    expect(parseCorsOrigins(undefined)).toEqual({ origins: [], invalid: [] })
    expect(parseCorsOrigins(' , ')).toEqual({ origins: [], invalid: [] })
  })

  it('normalises each origin as a browser spells it: lower-case host, no default port, no trailing slash', () => {
    expect(parseCorsOrigins(' https://App.Example/ ,http://localhost:5173,https://app.example:443').origins).toEqual(['https://app.example', 'http://localhost:5173'])
  })

  it('sets aside what is not an origin, so it is reported rather than half-matched', () => {
    expect(parseCorsOrigins('app.example,https://a.example/path,ftp://b.example,https://u:p@c.example,*,https://ok.example')).toEqual({
      origins: ['https://ok.example'],
      invalid: ['app.example', 'https://a.example/path', 'ftp://b.example', 'https://u:p@c.example', '*'],
    })
  })
})

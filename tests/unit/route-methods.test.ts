import { describe, expect, it } from 'vitest'
import { allowHeader, routeMethods } from '../../server/services/http/route-methods.ts'

describe('routeMethods', () => {
  it('groups the methods of each route template, leaving out middleware and templates that serve any method', () => {
    const table = routeMethods([
      { route: '', middleware: true },
      { route: '/api/v1/claims', method: 'get' },
      { route: '/api/v1/claims', method: 'post' },
      { route: '/api/v1/claims/:id', method: 'patch' },
      { route: '/api/v1/claims/:id', method: 'get' },
      { route: '/__nuxt_error' },
      { route: '/**' },
      { route: '/x', method: 'get' },
      { route: '/x' },
    ])
    expect([...table].map(([route, methods]) => [route, [...methods].sort()])).toEqual([
      ['/api/v1/claims', ['GET', 'POST']],
      ['/api/v1/claims/:id', ['GET', 'PATCH']],
    ])
  })
})

describe('allowHeader', () => {
  it('adds HEAD where GET is served, and OPTIONS only where a preflight is answered', () => {
    expect(allowHeader(new Set(['POST', 'GET']), false)).toBe('GET, HEAD, POST')
    expect(allowHeader(new Set(['DELETE']), false)).toBe('DELETE')
    expect(allowHeader(new Set(['PATCH', 'GET']), true)).toBe('GET, HEAD, PATCH, OPTIONS')
  })
})

import { describe, expect, it } from 'vitest'
import { pathProblem, targetPath } from '../../server/services/auth/canonical-path.ts'

describe('pathProblem', () => {
  it.each(['/', '/api/v1/claims', '/api/v1/claims/8', '/metrics', '/_nuxt/entry.Bx-9_a~1.js', '/admin/health', '/api/_auth/session'])('accepts the canonical %s', (path) => {
    expect(pathProblem(path)).toBeUndefined()
  })

  it.each([
    ['/%61pi/v1/claims', 'letters'], ['/api/%76%31/admin/users', 'letters'], ['/api/v1%2Fadmin/health', 'letters'], ['/metric%73', 'letters'],
    ['/api/v1/claims;x=1', 'letters'], ['/api;v1/claims', 'letters'], ['/api\\v1\\claims', 'letters'], ['/api/v1/claims#x', 'letters'],
    ['/api/v1/cl aims', 'letters'], ['/api/v1/cl\u0000aims', 'letters'], ['/ａpi/v1/claims', 'letters'],
    ['/metrics/', 'end with /'], ['/api/v1/claims//', 'end with /'],
    ['//api/v1/claims', 'empty segment'], ['/api//v1/claims', 'empty segment'],
    ['/api/./v1/claims', '. or ..'], ['/api/v1/x/../admin/health', '. or ..'], ['/api/v1/claims/..', '. or ..'], ['/.', '. or ..'],
    ['api/v1/claims', 'start with /'], ['http://portal.example/api/v1/claims', 'start with /'], ['*', 'start with /'], ['', 'start with /'],
  ])('refuses %s', (path, reason) => {
    expect(pathProblem(path)).toContain(reason)
  })
})

describe('targetPath', () => {
  it('is the target before its query', () => {
    expect(targetPath('/api/v1/claims?limit=1&x=/../')).toBe('/api/v1/claims')
    expect(targetPath('/api/v1/claims')).toBe('/api/v1/claims')
    expect(targetPath('/api/v1/claims?')).toBe('/api/v1/claims')
  })
})

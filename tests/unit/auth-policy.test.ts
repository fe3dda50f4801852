import { describe, expect, it } from 'vitest'
import { bearerToken, requiredRole } from '../../server/services/auth/policy.ts'
import { roleAllows } from '../../server/services/auth/api-keys.ts'

describe('requiredRole', () => {
  it.each([
    ['GET', '/api/v1/claims', 'viewer'],
    ['HEAD', '/api/v1/providers/3', 'viewer'],
    ['POST', '/api/v1/claims', 'operator'],
    ['PATCH', '/api/v1/claims/9', 'operator'],
    ['GET', '/api/v1/admin/health', 'admin'],
    ['DELETE', '/api/v1/admin/cache', 'admin'],
    ['GET', '/metrics', 'admin'],
    ['GET', '/healthz', undefined],
    ['GET', '/readyz', undefined],
    ['GET', '/', undefined],
    ['GET', '/api/v1x', undefined],
    ['GET', '/api/v1/administrator', 'viewer'],
    // Spellings a forgiving router might still match are judged as the plain path would be.
    ['GET', '/metrics/', 'admin'],
    ['GET', '/METRICS', 'admin'],
    ['POST', '/API/V1/Admin/keys', 'admin'],
    ['GET', '/Api/v1/claims/', 'viewer'],
    ['PATCH', '/api/v1/claims/8//', 'operator'],
  ])('%s %s needs %s', (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role)
  })
})

describe('roleAllows', () => {
  it('orders viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true)
    expect(roleAllows('operator', 'viewer')).toBe(true)
    expect(roleAllows('operator', 'admin')).toBe(false)
    expect(roleAllows('viewer', 'operator')).toBe(false)
  })
})

describe('bearerToken', () => {
  it('reads only a Bearer credential', () => {
    expect(bearerToken('Bearer ap_abc')).toBe('ap_abc')
    expect(bearerToken('bearer   ap_abc ')).toBe('ap_abc')
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined()
    expect(bearerToken('Bearer a b')).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})

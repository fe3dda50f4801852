// Which role a request needs, from its method and path alone (API.md, "Roles").
import type { Role } from '../../database/schema.ts'

/**
 * The role needed for a request, or undefined when the path needs no credentials. The path is the
 * decoded one the router matches; case and trailing slashes are ignored here as well, so that a
 * router that forgave them could never serve a protected route to a spelling judged public.
 */
export function requiredRole(method: string, path: string): Role | undefined {
  const pathname = path.toLowerCase().replace(/\/+$/, '')
  if (pathname === '/metrics') return 'admin'
  if (pathname !== '/api/v1' && !pathname.startsWith('/api/v1/')) return undefined
  if (pathname === '/api/v1/admin' || pathname.startsWith('/api/v1/admin/')) return 'admin'
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'operator'
}

/** The key in an `Authorization: Bearer <key>` header, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

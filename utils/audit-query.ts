// The audit page's state lives in the URL query: filters and the page cursor, as on the claims
// explorer. These read it from a route query, write it back without empty values, and build the
// query of GET /api/v1/admin/audit from it.
export interface AuditFilters {
  actor: string
  action: string
  /** UTC days (`YYYY-MM-DD`), both inclusive, as the API reads them. */
  from: string
  to: string
}

const FIELDS = ['actor', 'action', 'from', 'to'] as const

/** Actions the portal records, offered as suggestions (the filter takes any). */
export const AUDIT_ACTIONS = [
  'claims.ingest', 'claims.patch', 'health.ingest', 'intakes.ingest', 'correlations.recompute', 'apiKeys.create', 'apiKeys.revoke',
  'users.create', 'users.disable', 'cache.invalidate', 'auth.login',
  'read.health-data', 'read.health-summary', 'read.correlations', 'read.correlation', 'read.insights', 'read.claim',
] as const

const first = (v: unknown): string => {
  const value = Array.isArray(v) ? v[0] : v
  return typeof value === 'string' ? value : ''
}

export function auditFiltersFromQuery(query: Record<string, unknown>): AuditFilters {
  return { actor: first(query.actor).trim(), action: first(query.action).trim(), from: first(query.from), to: first(query.to) }
}

export function auditFiltersToQuery(f: AuditFilters, cursor?: string): Record<string, string> {
  const query: Record<string, string> = {}
  for (const field of FIELDS) {
    const value = f[field].trim()
    if (value) query[field] = value
  }
  if (cursor) query.cursor = cursor
  return query
}

export function describeAuditFilters(f: AuditFilters): string {
  const parts: string[] = []
  if (f.actor) parts.push(`by ${f.actor}`)
  if (f.action) parts.push(f.action)
  if (f.from || f.to) parts.push(`${f.from || '…'} to ${f.to || '…'}`)
  return parts.length ? `Records ${parts.join(', ')}` : 'All records'
}

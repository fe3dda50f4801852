// The audit log, newest first, keyset-paged on (at, id). One statement per filter shape, so each
// is prepared once and gets the index made for it: idx_audit_actor_at, idx_audit_action_at or
// idx_audit_at (the rowid is the last column of each, which serves the `id` half of the key).
// With both filters, or a rare one over a long log, a page can walk far: on a reader thread,
// within the query time limit.
import { decodeCursor, keysetPage } from '../pagination.ts'
import { defineQuery, type NamedQuery } from '../query/index.ts'
import { readAll } from '../query/off-thread.ts'
import type { AuditQuery } from './schemas.ts'

interface AuditRow {
  id: number
  at: number
  actor: string
  action: string
  target: string | null
  detail: string | null
}

export interface AuditRecord {
  id: number
  at: string
  actor: string
  action: string
  target: string | null
  detail: Record<string, unknown> | null
}

type Params = { actor?: string, action?: string, from: number, to: number, beforeAt: number, beforeId: number, limit: number }

const SHAPES = { none: [], actor: ['actor'], action: ['action'], both: ['actor', 'action'] } as const
type Shape = keyof typeof SHAPES

const statements = Object.fromEntries(Object.entries(SHAPES).map(([shape, columns]) => {
  const filters = columns.map(c => `${c} = @${c} AND `).join('')
  return [shape, defineQuery<Params, AuditRow>(`audit.list[${columns.join(',')}]`, `
    SELECT id, at, actor, action, target, detail FROM audit_log
    WHERE ${filters}at BETWEEN @from AND @to AND (at, id) < (@beforeAt, @beforeId)
    ORDER BY at DESC, id DESC LIMIT @limit`)]
})) as Record<Shape, NamedQuery<Params, AuditRow>>

function view(r: AuditRow): AuditRecord {
  return { id: r.id, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail === null ? null : JSON.parse(r.detail) }
}

export async function listAudit(q: AuditQuery) {
  const [beforeAt, beforeId] = q.cursor ? decodeCursor(q.cursor, ['number', 'number'] as const) : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  const shape: Shape = q.actor && q.action ? 'both' : q.actor ? 'actor' : q.action ? 'action' : 'none'
  const rows = await readAll(statements[shape], {
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.action ? { action: q.action } : {}),
    from: q.from ?? 0,
    to: q.to ?? Number.MAX_SAFE_INTEGER,
    beforeAt,
    beforeId,
    limit: q.limit + 1,
  })
  const page = keysetPage(rows, q.limit, r => [r.at, r.id])
  return { data: page.data.map(view), page: page.page }
}

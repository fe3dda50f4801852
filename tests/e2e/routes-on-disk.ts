// Every route file under server/api and server/routes, found on disk, so that a suite sending
// something to every route covers a new one without being edited.
import { readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

export interface Route { method: string, path: string, file: string }

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

/** `server/api/v1/claims/[id].patch.ts` → PATCH /api/v1/claims/{id}; `index` is the folder itself. */
function toRoute(file: string, base: string, prefix: string): Route {
  const rel = relative(base, file).replace(/\.ts$/, '')
  const m = rel.match(/^(.*?)(?:\.(get|post|put|patch|delete))?$/)!
  const segments = m[1]!.split('/').filter(s => s !== 'index').map(s => s.replace(/^\[\w+\]$/, '{id}'))
  return { method: (m[2] ?? 'get').toUpperCase(), path: `${prefix}/${segments.join('/')}`.replace(/\/$/, ''), file: relative(ROOT, file) }
}

export const ROUTES: Route[] = [
  ...routeFiles(join(ROOT, 'server/api')).map(f => toRoute(f, join(ROOT, 'server/api'), '/api')),
  ...routeFiles(join(ROOT, 'server/routes')).map(f => toRoute(f, join(ROOT, 'server/routes'), '')),
]

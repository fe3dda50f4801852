// Helpers of the sweeps over every route: the routes on disk (every file under server/api and
// server/routes, so a sweep covers a new route without being edited) and a bounded request pool.
import { readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

export interface Route { method: string, path: string, file: string }

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

/** `index` is the folder itself; a method-less file answers GET. */
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

/** Runs `jobs` a few at a time: thousands of requests, but the server is shared with the other files. */
export async function pool<T>(jobs: (() => Promise<T>)[], width = 8): Promise<T[]> {
  const out: T[] = []
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i]!() }
  }))
  return out
}

// The repository's own API reference (server/api/v1/README.md) stays true: every route file on
// disk is listed in its tables, every operation its tables list is in the served OpenAPI document,
// and neither README points at files outside the repository.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openApiDocument } from '../../server/services/contract/openapi.ts'
import { ROUTES } from '../e2e/sweep.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const reference = readFileSync(resolve(ROOT, 'server/api/v1/README.md'), 'utf8')

/** `GET /claims/:id` in a table's first cell → `GET /api/v1/claims/{id}` (short forms are under /api/v1). */
function listedOperations(markdown: string): string[] {
  // Only tables' first cells: "Not served yet" is prose, so what it names is not counted.
  return markdown.split('\n').filter(l => l.startsWith('| `')).flatMap((line) => {
    const firstCell = line.split(' | ')[0]!
    return [...firstCell.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map(([, method, path]) => {
      const full = /^\/(api|metrics|healthz|readyz)\b/.test(path!) ? path! : `/api/v1${path}`
      return `${method} ${full.replace(/:(\w+)/g, '{id}')}`
    })
  })
}

const documented = Object.entries((openApiDocument() as { paths: Record<string, object> }).paths)
  .flatMap(([path, item]) => Object.keys(item).map(m => `${m.toUpperCase()} ${path}`))

describe('server/api/v1/README.md', () => {
  const listed = new Set(listedOperations(reference))

  it('lists every route file on disk', () => {
    expect(listed.size).toBeGreaterThan(30)
    expect(ROUTES.map(r => `${r.method} ${r.path}`).filter(r => !listed.has(r))).toEqual([])
  })

  it('lists only operations the OpenAPI document has (the ones not built yet stay under "Not served yet")', () => {
    expect([...listed].filter(op => !documented.includes(op))).toEqual([])
  })

  it('and README.md name no file outside the repository', () => {
    for (const file of ['README.md', 'server/api/v1/README.md']) {
      expect(readFileSync(resolve(ROOT, file), 'utf8'), file).not.toMatch(/shared\/(API|DESIGN|STYLE)\.md|\/work\/shared/)
    }
  })
})

// What the API reference page makes of the OpenAPI document: every operation once, under its tag,
// with the role it needs, and schemas flattened to fields with their types and limits.
import { describe, expect, it } from 'vitest'
import { openApiDocument } from '../../server/services/contract/openapi.ts'
import { constraintsOf, fieldsOf, referenceGroups, type OpenApiDocument } from '../../utils/openapi-view.ts'

const doc = openApiDocument() as OpenApiDocument
const groups = referenceGroups(doc)
const op = (method: string, path: string) => groups.flatMap(g => g.operations).find(o => o.method === method && o.path === path)!

describe('the reference page\'s reading of the document', () => {
  it('shows every operation once, under its tag, in the document\'s tag order', () => {
    const all = Object.entries(doc.paths!).flatMap(([path, item]) => Object.keys(item).map(m => `${m.toUpperCase()} ${path}`)).sort()
    expect(groups.flatMap(g => g.operations.map(o => `${o.method} ${o.path}`)).sort()).toEqual(all)
    expect(groups.map(g => g.tag)).toEqual(doc.tags!.map(t => t.name))
    expect(op('PATCH', '/api/v1/claims/{id}')).toMatchObject({ access: 'operator' })
    expect(op('GET', '/api/v1/admin/health')).toMatchObject({ access: 'admin' })
    expect(op('GET', '/api/v1/claims')).toMatchObject({ access: 'viewer' })
    expect(op('GET', '/healthz')).toMatchObject({ access: 'no credentials' })
  })

  it('flattens a list answer into its fields, with closed sets and nullability', () => {
    const ok = op('GET', '/api/v1/claims').responses.find(r => r.status === '200')!
    const field = (name: string) => ok.fields.find(f => f.name === name)
    expect(field('data[].status')?.type).toBe('"submitted" | "pending" | "approved" | "denied" | "paid" | "appealed"')
    expect(field('data[].denialReason')).toMatchObject({ type: 'string | null', required: true })
    expect(field('page.total')).toMatchObject({ type: 'integer', required: false })
    expect(op('POST', '/api/v1/claims').body!.fields.map(f => f.name)).toContain('[].billedCents')
  })

  it('notes limits a client must respect, and not the safe-integer bounds every integer has', () => {
    const limit = op('GET', '/api/v1/claims').parameters.find(p => p.name === 'limit (query)')!
    expect(limit.notes).toContain('1..1000')
    expect(limit.notes).toContain('default 50')
    expect(constraintsOf({ type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })).toBe('')
    expect(fieldsOf(doc, { $ref: '#/components/schemas/Error' }).map(f => f.name)).toEqual(expect.arrayContaining(['statusCode', 'message', 'data.issues[].path']))
  })
})

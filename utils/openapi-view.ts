// Flattens the served OpenAPI document into what the reference page shows: operations grouped by
// tag, and each schema as rows of fields (`page.nextCursor`, `data[].status`) with a short type.
// Plain functions, so the page needs no third-party renderer (and no eval, which the CSP forbids).

export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  format?: string
  pattern?: string
  default?: unknown
  description?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minLength?: number
  maxLength?: number
  maxItems?: number
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  additionalProperties?: boolean | JsonSchema
}

interface Media { schema?: JsonSchema }
interface Parameter { name: string, in: string, required?: boolean, description?: string, schema?: JsonSchema }
interface RawOperation {
  tags?: string[]
  summary?: string
  parameters?: Parameter[]
  security?: unknown[]
  requestBody?: { description?: string, content?: Record<string, Media> }
  responses?: Record<string, { description?: string, content?: Record<string, Media>, headers?: Record<string, { description?: string }> }>
}
export interface OpenApiDocument {
  info?: { title?: string, description?: string }
  tags?: { name: string, description?: string }[]
  paths?: Record<string, Record<string, RawOperation>>
  components?: { schemas?: Record<string, JsonSchema> }
}

export interface FieldRow { name: string, type: string, required: boolean, notes: string }
export interface ReferenceOperation {
  id: string
  method: string
  path: string
  summary: string
  access: string
  parameters: FieldRow[]
  body: { description: string, media: string[], fields: FieldRow[] } | undefined
  responses: { status: string, description: string, media: string[], headers: string[], fields: FieldRow[] }[]
}
export interface ReferenceGroup { tag: string, description: string, operations: ReferenceOperation[] }

const METHODS = ['get', 'post', 'put', 'patch', 'delete']
const MAX_DEPTH = 5

function resolve(doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {}
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] ?? {}
  return s
}

/** A short type: `string`, `integer`, `"a" | "b"`, `Claim[]`, `string | null`. */
export function typeOf(doc: OpenApiDocument, schema: JsonSchema | undefined): string {
  if (!schema) return 'any'
  if (schema.$ref) return schema.$ref.replace('#/components/schemas/', '')
  if (schema.enum) return schema.enum.map(v => JSON.stringify(v)).join(' | ')
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  const union = schema.anyOf ?? schema.oneOf
  if (union) return union.map(s => typeOf(doc, s)).join(' | ')
  if (schema.type === 'array') return `${typeOf(doc, schema.items)}[]`
  if (Array.isArray(schema.type)) return schema.type.join(' | ')
  return schema.type ?? 'any'
}

/** Limits, formats, patterns and defaults, as a client must respect them. */
export function constraintsOf(schema: JsonSchema): string {
  const notes: string[] = []
  // zod gives every integer the safe-integer bounds: only narrower limits are worth a note.
  const min = schema.minimum === -Number.MAX_SAFE_INTEGER ? undefined : schema.minimum
  const max = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum
  if (min !== undefined || max !== undefined) notes.push(`${min ?? '…'}..${max ?? '…'}`)
  if (schema.exclusiveMinimum !== undefined) notes.push(`> ${schema.exclusiveMinimum}`)
  if (schema.minLength !== undefined || schema.maxLength !== undefined) notes.push(`length ${schema.minLength ?? 0}..${schema.maxLength ?? '…'}`)
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`)
  if (schema.format) notes.push(schema.format)
  if (schema.pattern) notes.push(`matches ${schema.pattern}`)
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`)
  if (schema.description) notes.push(schema.description)
  return notes.join('; ')
}

/** One row per field, depth first: `page`, `page.limit`, `data[]`, `data[].id`… */
export function fieldsOf(doc: OpenApiDocument, schema: JsonSchema | undefined, prefix = '', depth = 0): FieldRow[] {
  const s = resolve(doc, schema)
  if (depth > MAX_DEPTH) return []
  if (s.type === 'array' && !prefix) return fieldsOf(doc, s.items, '[]', depth + 1)
  const object = s.properties ? s : resolve(doc, (s.anyOf ?? []).find(o => resolve(doc, o).properties))
  if (!object.properties) return []
  return Object.entries(object.properties).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name
    const inner = resolve(doc, child)
    const row = { name: path, type: typeOf(doc, child), required: object.required?.includes(name) ?? false, notes: constraintsOf(inner) }
    const nested = inner.type === 'array' ? fieldsOf(doc, inner.items, `${path}[]`, depth + 1) : fieldsOf(doc, child, path, depth + 1)
    return [row, ...nested.map(r => ({ ...r, name: r.name.startsWith('[]') ? `${path}${r.name}` : r.name }))]
  })
}

function accessOf(op: RawOperation, method: string, path: string): string {
  if (Array.isArray(op.security) && op.security.length === 0) return 'no credentials'
  if (path === '/metrics' || path.startsWith('/api/v1/admin/')) return 'admin'
  return method === 'get' ? 'viewer' : 'operator'
}

/** Operations by tag, in the document's tag order, each with its fields flattened. */
export function referenceGroups(doc: OpenApiDocument): ReferenceGroup[] {
  const groups = new Map<string, ReferenceGroup>((doc.tags ?? []).map(t => [t.name, { tag: t.name, description: t.description ?? '', operations: [] }]))
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const tag = op.tags?.[0] ?? 'Other'
      if (!groups.has(tag)) groups.set(tag, { tag, description: '', operations: [] })
      const content = op.requestBody?.content ?? {}
      const firstBody = Object.values(content)[0]
      groups.get(tag)!.operations.push({
        id: `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-'),
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        access: accessOf(op, method, path),
        parameters: (op.parameters ?? []).map(p => ({ name: `${p.name} (${p.in})`, type: typeOf(doc, p.schema), required: !!p.required, notes: [constraintsOf(p.schema ?? {}), p.description].filter(Boolean).join('; ') })),
        body: op.requestBody ? { description: op.requestBody.description ?? '', media: Object.keys(content), fields: fieldsOf(doc, firstBody?.schema) } : undefined,
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({
          status,
          description: r.description ?? '',
          media: Object.keys(r.content ?? {}),
          headers: Object.keys(r.headers ?? {}),
          fields: Number(status) < 400 ? fieldsOf(doc, Object.values(r.content ?? {})[0]?.schema) : [],
        })),
      })
    }
  }
  return [...groups.values()].filter(g => g.operations.length)
}

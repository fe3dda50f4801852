// Every body schema the API parses, found on disk (each export of server/services/**/schemas.ts
// that is a zod object and not a query or path schema), with a valid body for each and the string
// fields of each, read from the schema itself: a new schema or a new field is covered by the
// stored-text tests without editing them (a new schema fails until it has a fixture here).
import { readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'

const ROOT = resolve(import.meta.dirname, '..')

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? schemaFiles(join(dir, e.name)) : e.name === 'schemas.ts' ? [join(dir, e.name)] : [])
}

export interface BodySchema {
  name: string
  file: string
  schema: z.ZodObject
}

/** Query and path schemas are named `…Query` and `…Param`; every other exported object is a body. */
export async function bodySchemas(): Promise<BodySchema[]> {
  const found: BodySchema[] = []
  for (const file of schemaFiles(join(ROOT, 'server/services'))) {
    const mod = await import(pathToFileURL(file).href) as Record<string, unknown>
    for (const [name, value] of Object.entries(mod)) {
      if (value instanceof z.ZodObject && !/(Query|Params?)$/.test(name)) found.push({ name, file: relative(ROOT, file), schema: value })
    }
  }
  return found
}

/** The fields a client may send as a string (enums included: they are stored text too). */
export function stringFields(schema: z.ZodObject): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { type?: string, anyOf?: { type?: string }[] }> }
  return Object.entries(json.properties)
    .filter(([, p]) => p.type === 'string' || p.anyOf?.some(a => a.type === 'string'))
    .map(([name]) => name)
}

/** Fields whose text is never stored, so any character is allowed: passwords are only hashed. */
export const NOT_STORED = new Set(['LoginBody.password', 'CreateUserBody.password', 'ChangePasswordBody.currentPassword', 'ChangePasswordBody.newPassword', 'SetPasswordBody.password'])

/** A valid body for each schema (valid today: instants and days are in the past). */
export const VALID: Record<string, Record<string, unknown>> = {
  ClaimInput: { source: 'ctrl-test', sourceId: 'c-1', providerId: 1, payer: 'Acme Health', patientRef: 'CTRL-REF-1', cptCode: '99213', dateOfService: '2026-01-05', submittedAt: '2026-01-06T09:00:00Z', status: 'denied', denialReason: 'CO-16', billedCents: 12_000, paidCents: 0 },
  PatchClaim: { status: 'denied', denialReason: 'CO-97' },
  HealthPointInput: { personId: 'CTRL-PID-1', metric: 'steps', value: 4200, at: '2026-01-05T08:00:00Z', source: 'watch' },
  IntakeInput: { personId: 'CTRL-PID-1', supplementId: 'magnesium', takenAt: '2026-01-05T08:00:00Z', dose: 200, unit: 'mg' },
  RecomputeBody: { personId: 'CTRL-PID-1' },
  LoginBody: { email: 'someone@example.org', password: 'a password of some length' },
  CreateUserBody: { email: 'ctrl-user@example.org', password: 'a long enough password', role: 'viewer' },
  CreateKeyBody: { name: 'ctrl key', role: 'viewer' },
  ChangePasswordBody: { currentPassword: 'the current password', newPassword: 'a long enough password' },
  SetPasswordBody: { password: 'a long enough password' },
}

/**
 * The characters stored text refuses, one of each kind: C0 (NUL, a tab, a line feed, ESC), DEL,
 * C1 (NEL, the last one), the Unicode line and paragraph separators, a bidi override and an
 * isolate, and an unpaired surrogate.
 */
export const REFUSED = ['\u0000', '\u0009', '\u000A', '\u001B', '\u007F', '\u0085', '\u009F', '\u2028', '\u2029', '\u202E', '\u2066', '\uD800']

/** `value` with `ch` in its middle, where neither trimming nor a prefix check can drop it. */
export function withCharacter(value: unknown, ch: string): string {
  const text = typeof value === 'string' && value.length > 1 ? value : 'text'
  const mid = Math.floor(text.length / 2)
  return text.slice(0, mid) + ch + text.slice(mid)
}

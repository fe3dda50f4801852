// Stored text refuses control characters in every string field of every body schema.
import { describe, expect, it } from 'vitest'
import { unsafeTextReason } from '../../server/services/text.ts'
import { bodySchemas, NOT_STORED, REFUSED, stringFields, VALID, withCharacter } from '../body-schemas.ts'

const schemas = await bodySchemas()

describe('unsafeTextReason', () => {
  const refused = [
    ...Array.from({ length: 0x20 }, (_, i) => i), 0x7F, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
    0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
  ]
  it.each(refused.map(c => [c.toString(16).padStart(4, '0')]))('refuses U+%s and says where it is', (hex) => {
    expect(unsafeTextReason(`ab${String.fromCodePoint(Number.parseInt(hex, 16))}c`)).toBe(`must not contain control characters (U+${hex.toUpperCase()} at position 2)`)
  })

  it('refuses an unpaired surrogate, which SQLite would store as U+FFFD', () => {
    expect(unsafeTextReason('a\uD800b')).toMatch(/unpaired surrogate/)
    expect(unsafeTextReason('a\uDC00')).toMatch(/unpaired surrogate/)
  })

  it.each(['Acme Health', 'Société Générale', 'Müller & Söhne', 'שירותי בריאות\u200F', 'مستشفى\u061C', '日本生命', '🦄 unicorn', 'a\u00A0b', ' padded '])('allows %j', (text) => {
    expect(unsafeTextReason(text)).toBeUndefined()
  })
})

describe('every body schema', () => {
  it('is found on disk and has a valid fixture', () => {
    expect(schemas.map(s => s.name)).toEqual(expect.arrayContaining(['ClaimInput', 'HealthPointInput', 'IntakeInput', 'CreateUserBody', 'CreateKeyBody', 'PatchClaim']))
    for (const { name, schema } of schemas) {
      expect(VALID[name], `${name} needs a fixture in tests/body-schemas.ts`).toBeDefined()
      expect(schema.safeParse(VALID[name]).error?.issues, name).toBeUndefined()
    }
  })

  it('has its string fields read from the schema', () => {
    const claim = schemas.find(s => s.name === 'ClaimInput')!
    expect(stringFields(claim.schema)).toEqual(['source', 'sourceId', 'payer', 'patientRef', 'cptCode', 'dateOfService', 'submittedAt', 'status', 'denialReason'])
  })

  for (const { name, schema } of schemas) {
    const fields = stringFields(schema).filter(f => !NOT_STORED.has(`${name}.${f}`))
    it(`${name}: each of ${fields.join(', ')} refuses every kind of control character, naming the field`, () => {
      for (const field of fields) {
        for (const ch of REFUSED) {
          const result = schema.safeParse({ ...VALID[name], [field]: withCharacter(VALID[name]![field], ch) })
          const label = `${name}.${field} U+${ch.codePointAt(0)!.toString(16)}`
          expect(result.success, label).toBe(false)
          expect(result.error!.issues.map(i => i.path.join('.')), label).toEqual([field])
        }
      }
    })
  }

  it('refuses a control character at either end too, before any trim could drop it', () => {
    const claim = schemas.find(s => s.name === 'ClaimInput')!.schema
    for (const payer of ['Acme\t', '\nAcme', 'Acme\u0000']) {
      expect(claim.safeParse({ ...VALID.ClaimInput, payer }).error?.issues[0]?.message, JSON.stringify(payer)).toMatch(/control characters/)
    }
    expect(claim.parse({ ...VALID.ClaimInput, payer: '  Acme  ' }).payer).toBe('Acme')
  })
})

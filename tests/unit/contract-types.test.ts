// The contract's shapes are declared once: a claim and the metrics' counters as the zod answers
// in server/services/claims/responses.ts (z.infer, so the types are what the OpenAPI document
// promises), rows as drizzle's $inferSelect, closed sets as one constant array. A second
// hand-written declaration drifts from the contract silently; this scan refuses it.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLAIM_STATUSES } from '../../contract/claim-statuses.ts'
import { ROLES } from '../../contract/roles.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const DIRS = ['server', 'pages', 'components', 'composables', 'utils', 'layouts', 'middleware', 'contract']

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|vue)$/.test(e.name) ? [join(dir, e.name)] : [])
}

const files = DIRS.flatMap(d => sources(join(ROOT, d))).map(f => ({ path: relative(ROOT, f), text: readFileSync(f, 'utf8') }))

/** Declarations that restate a contract shape: where they are, as `path: match`. */
const RULES: { name: string, pattern: RegExp, allowed: string[] }[] = [
  // A type named Claim: the API's (z.infer) and the table row's ($inferSelect), nothing else.
  { name: 'a Claim type', pattern: /\b(?:interface\s+Claim\b|type\s+Claim\s*=.*)/g, allowed: ['server/services/claims/responses.ts: type Claim = z.infer<typeof Claim>', 'server/database/schema.ts: type Claim = typeof claims.$inferSelect'] },
  // Money fields typed by hand are a claim or a metrics row written out again.
  { name: 'a hand-typed money field', pattern: /\b(?:billedCents|paidCents)\??\s*:\s*number\b/g, allowed: [] },
  // The metrics' status counters typed by hand.
  { name: 'a hand-typed status counter', pattern: /\b(?:submitted|pending|approved|appealed)\??\s*:\s*number\b/g, allowed: [] },
  // A closed set spelled out as a list: statuses, roles and health metrics have one array each.
  // (The schema's CHECK constraints are SQL text; the test below holds them to the arrays.)
  { name: 'the claim statuses listed', pattern: /['"]submitted['"]\s*,\s*['"]pending['"]/g, allowed: ['contract/claim-statuses.ts: \'submitted\', \'pending\'', 'server/database/schema.ts: \'submitted\',\'pending\''] },
  { name: 'the roles listed', pattern: /['"]viewer['"]\s*,\s*['"]operator['"]/g, allowed: ['contract/roles.ts: \'viewer\', \'operator\'', 'server/database/schema.ts: \'viewer\',\'operator\'', 'server/database/schema.ts: \'viewer\',\'operator\''] },
  { name: 'the health metrics listed', pattern: /['"]resting_heart_rate['"]\s*,\s*['"]hrv['"]/g, allowed: ['server/services/health/catalog.ts: \'resting_heart_rate\', \'hrv\''] },
]

function declarations(sourceFiles: { path: string, text: string }[], pattern: RegExp): string[] {
  return sourceFiles.flatMap(f => [...f.text.matchAll(pattern)].map(m => `${f.path}: ${m[0]}`))
}

describe('each contract shape is declared once', () => {
  for (const rule of RULES) {
    it(`${rule.name} appears only in its one definition`, () => {
      expect(declarations(files, rule.pattern).sort()).toEqual([...rule.allowed].sort())
    })
  }

  it('the scan finds a second declaration when one is written', () => {
    // The rules must match what a duplicate looks like, or the tests above could never fail.
    const sample = [{ path: 'pages/x.vue', text: `interface Claim { id: number, status: 'submitted' | 'pending', billedCents: number, paidCents?: number }
      interface Row { approved: number }
      type Claim = { id: number }
      const S = ['submitted', 'pending'], R = ["viewer", "operator"], M = ['resting_heart_rate', 'hrv']` }]
    expect(RULES.map(r => declarations(sample, r.pattern).length)).toEqual([2, 2, 1, 1, 1, 1])
  })

  it('contract/ imports nothing, so the browser bundle may take its arrays', () => {
    expect(files.filter(f => f.path.startsWith('contract/') && /^\s*(import|export .* from)\b/m.test(f.text)).map(f => f.path)).toEqual([])
    expect(files.filter(f => f.path.startsWith('contract/')).length).toBeGreaterThan(1)
  })

  it('the schema\'s CHECK constraints list exactly the shared arrays', () => {
    const schema = files.find(f => f.path === 'server/database/schema.ts')!.text
    const lists = [...schema.matchAll(/IN \(([^)]*)\)/g)].map(m => m[1]!.split(',').map(s => s.trim().replace(/^'|'$/g, '')))
    expect(lists).toContainEqual([...CLAIM_STATUSES])
    expect(lists.filter(l => l.join() === ROLES.join())).toHaveLength(2)
  })
})

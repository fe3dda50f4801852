// The audit log: every write records its row in its own transaction (so the two commit or roll
// back together), reads are buffered and flushed, and the admin listing pages and filters on the
// indexes made for it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { auditedTransaction, type AuditOf } from '../../server/services/audit.ts'
import { listAudit } from '../../server/services/audit/list.ts'
import { bufferReadAudit, flushReadAudits, pendingReadAudits } from '../../server/services/audit/reads.ts'
import { AuditQuery } from '../../server/services/audit/schemas.ts'
import { createApiKey, generateKey, revokeApiKey } from '../../server/services/auth/api-keys.ts'
import { disableUser, insertUser } from '../../server/services/auth/users.ts'
import { IngestRejected } from '../../server/services/batch.ts'
import { ingestClaims } from '../../server/services/claims/ingest.ts'
import { patchClaim } from '../../server/services/claims/update.ts'
import { ingestIntakes } from '../../server/services/health/ingest-intakes.ts'
import { ingestPoints } from '../../server/services/health/ingest-points.ts'
import { ensureSupplementCatalogue } from '../../server/services/health/supplements.ts'
import { enqueueJob } from '../../server/services/jobs/queue.ts'
import { explain, queryCatalog } from '../../server/services/query/index.ts'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
beforeAll(() => {
  db = tempDatabase()
  insertFixture(db.conn)
  ensureSupplementCatalogue(db.conn.sqlite)
})
afterAll(() => db.dispose())

const sqlite = () => db.conn.sqlite
const count = (table: string) => (sqlite().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
const auditRows = () => sqlite().prepare('SELECT actor, action, target, detail FROM audit_log ORDER BY id').all() as { actor: string, action: string, target: string | null, detail: string | null }[]
const as = <T>(action: string): AuditOf<T> => () => ({ actor: 'key:7', action, target: null })

/** While it is on, every insert into audit_log fails, as a full disk or a broken table would. */
function breakAuditLog() {
  sqlite().exec(`CREATE TEMP TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`)
}
function repairAuditLog() {
  sqlite().exec('DROP TRIGGER IF EXISTS temp.audit_down')
}

const claim = (i: number, over: Record<string, unknown> = {}) => JSON.stringify([{
  source: 'audit', sourceId: `A-${i}`, providerId: 1, payer: 'Aetna', patientRef: `PT-a${i}`, cptCode: '99214',
  dateOfService: '2026-05-10', submittedAt: '2026-05-12T09:30:00Z', status: 'submitted', billedCents: 15000, paidCents: 0, ...over,
}])
const point = (person: string, value: number) => JSON.stringify([{ personId: person, metric: 'hrv', value, at: '2026-05-10T07:00:00Z', source: 'w' }])
const intake = (person: string) => JSON.stringify([{ personId: person, supplementId: 'ashwagandha', takenAt: '2026-05-10T21:00:00Z', dose: 600, unit: 'mg' }])
const claimId = (i: number) => (sqlite().prepare(`SELECT id FROM claims WHERE source_id = ?`).get(`A-${i}`) as { id: number }).id

/**
 * Every write service that takes an audit record, with what it changes: `snapshot` is the state
 * the write moves, so a rolled-back write leaves it as it was.
 */
const WRITES: { name: string, run: (i: number, audit: AuditOf<any>) => unknown, snapshot: () => unknown, before?: (i: number) => void }[] = [
  { name: 'claims ingest', run: (i, audit) => ingestClaims(claim(i), 'application/json', audit), snapshot: () => [count('claims'), sqlite().prepare('SELECT sum(claims) AS n FROM claims_daily').get()] },
  {
    name: 'claim PATCH',
    before: i => ingestClaims(claim(i), 'application/json'),
    run: (i, audit) => patchClaim(claimId(i), { status: 'pending' }, audit),
    snapshot: () => sqlite().prepare(`SELECT source_id, status FROM claims WHERE source = 'audit' ORDER BY id`).all(),
  },
  { name: 'health-data ingest', run: (i, audit) => ingestPoints(point(`AU-${i}`, 40), 'application/json', audit), snapshot: () => [count('health_data_points'), count('health_daily'), count('people')] },
  { name: 'supplement-intake ingest', run: (i, audit) => ingestIntakes(intake(`AU-${i}`), 'application/json', audit), snapshot: () => [count('supplement_intakes'), count('people')] },
  { name: 'API key create', run: (i, audit) => createApiKey(`k${i}`, 'viewer', generateKey(), audit), snapshot: () => count('api_keys') },
  {
    name: 'API key revoke',
    before: i => createApiKey(`r${i}`, 'viewer'),
    run: (i, audit) => revokeApiKey((sqlite().prepare('SELECT id FROM api_keys WHERE name = ?').get(`r${i}`) as { id: number }).id, Date.now(), audit),
    snapshot: () => sqlite().prepare('SELECT id, revoked_at FROM api_keys ORDER BY id').all(),
  },
  { name: 'user create', run: (i, audit) => insertUser({ email: `u${i}@example.com`, passwordHash: 'x', role: 'viewer' }, audit), snapshot: () => count('users') },
  {
    name: 'user disable',
    before: i => insertUser({ email: `d${i}@example.com`, passwordHash: 'x', role: 'viewer' }),
    run: (i, audit) => disableUser((sqlite().prepare('SELECT id FROM users WHERE email = ?').get(`d${i}@example.com`) as { id: number }).id, Date.now(), audit),
    snapshot: () => sqlite().prepare('SELECT id, disabled_at FROM users ORDER BY id').all(),
  },
  { name: 'recompute queueing', run: (i, audit) => enqueueJob('correlations.recompute', { personId: `AU-${i}` }, { audit }), snapshot: () => count('job_runs') },
]

describe('a write and its audit row', () => {
  beforeEach(() => repairAuditLog())

  let n = 0
  it.each(WRITES)('$name: commits with exactly one audit row naming the actor and action', (w) => {
    const i = ++n
    w.before?.(i)
    const rows = auditRows().length
    const before = w.snapshot()
    w.run(i, as<unknown>(`test.${w.name}`))
    expect(w.snapshot()).not.toEqual(before)
    expect(auditRows().slice(rows)).toEqual([{ actor: 'key:7', action: `test.${w.name}`, target: null, detail: null }])
  })

  it.each(WRITES)('$name: is rolled back when its audit row cannot be written', (w) => {
    const i = ++n
    w.before?.(i)
    const before = w.snapshot()
    const rows = auditRows().length
    breakAuditLog()
    expect(() => w.run(i, as<unknown>(`test.${w.name}`))).toThrow(/audit log unavailable/)
    repairAuditLog()
    expect(w.snapshot()).toEqual(before)
    expect(auditRows()).toHaveLength(rows)
  })

  it('a batch rejected by validation writes nothing and records nothing', () => {
    const rows = auditRows().length
    const claims = count('claims')
    const bad = JSON.stringify([...JSON.parse(claim(900)), ...JSON.parse(claim(901, { billedCents: -5 }))])
    expect(() => ingestClaims(bad, 'application/json', as('claims.ingest'))).toThrow(IngestRejected)
    expect(count('claims')).toBe(claims)
    expect(auditRows()).toHaveLength(rows)
  })

  it('a write that throws after writing rolls back its rows and records nothing', () => {
    const rows = auditRows().length
    const claims = count('claims')
    expect(() => auditedTransaction(() => {
      ingestClaims(claim(950), 'application/json')
      throw new Error('rejected mid-way')
    }, as('claims.ingest'))).toThrow(/mid-way/)
    expect(count('claims')).toBe(claims)
    expect(auditRows()).toHaveLength(rows)
  })

  it('a PATCH of a claim that does not exist records nothing', () => {
    const rows = auditRows().length
    expect(patchClaim(987_654, { status: 'pending' }, as('claims.patch'))).toBeUndefined()
    expect(auditRows()).toHaveLength(rows)
  })
})

describe('read records', () => {
  beforeEach(() => repairAuditLog())

  it('are buffered, then written together by a flush', () => {
    const rows = auditRows().length
    bufferReadAudit({ actor: 'user:3', action: 'read.health-data', target: 'P00042' })
    bufferReadAudit({ actor: 'user:3', action: 'read.claim', target: 'claim:9' })
    expect(auditRows()).toHaveLength(rows)
    expect(flushReadAudits()).toBe(2)
    expect(auditRows().slice(rows)).toEqual([
      { actor: 'user:3', action: 'read.health-data', target: 'P00042', detail: null },
      { actor: 'user:3', action: 'read.claim', target: 'claim:9', detail: null },
    ])
    expect(pendingReadAudits()).toBe(0)
  })

  it('stay buffered when the database refuses them, and are written by the next flush', () => {
    const rows = auditRows().length
    bufferReadAudit({ actor: 'user:4', action: 'read.insights', target: 'P00007' })
    breakAuditLog()
    expect(flushReadAudits()).toBe(0)
    expect(pendingReadAudits()).toBe(1)
    repairAuditLog()
    expect(flushReadAudits()).toBe(1)
    expect(auditRows().slice(rows)).toEqual([{ actor: 'user:4', action: 'read.insights', target: 'P00007', detail: null }])
  })
})

describe('GET /admin/audit listing', () => {
  const T0 = Date.parse('2026-03-01T00:00:00Z')
  beforeAll(() => {
    sqlite().exec('DELETE FROM audit_log')
    const insert = sqlite().prepare('INSERT INTO audit_log (at, actor, action, target) VALUES (?, ?, ?, ?)')
    // 30 rows over three days, several sharing one instant, so the key's id half matters.
    for (let i = 0; i < 30; i++) insert.run(T0 + Math.floor(i / 3) * 8 * 3_600_000, i % 2 ? 'key:1' : 'user:2', i % 3 ? 'claims.ingest' : 'read.claim', `t${i}`)
  })
  const parse = (q: Record<string, string>) => AuditQuery.parse(q)
  const all = async (q: Record<string, string>) => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = (await listAudit(parse({ ...q, limit: '4', ...(cursor ? { cursor } : {}) })))
      seen.push(...page.data.map(r => r.target!))
      cursor = page.page.nextCursor ?? undefined
    } while (cursor)
    return seen
  }
  const expected = (keep: (i: number) => boolean) => Array.from({ length: 30 }, (_, i) => i).filter(keep)
    .sort((a, b) => Math.floor(b / 3) - Math.floor(a / 3) || b - a).map(i => `t${i}`)

  it('pages newest first through rows that share an instant, each row once', async () => {
    expect(await all({})).toEqual(expected(() => true))
  })

  it('filters by actor, action and both', async () => {
    expect(await all({ actor: 'key:1' })).toEqual(expected(i => i % 2 === 1))
    expect(await all({ action: 'read.claim' })).toEqual(expected(i => i % 3 === 0))
    expect(await all({ actor: 'user:2', action: 'claims.ingest' })).toEqual(expected(i => i % 2 === 0 && i % 3 !== 0))
  })

  it('reads a day as the whole UTC day and an instant exactly, both ends inclusive', async () => {
    // Rows are 8 hours apart per group of three: 2026-03-02 holds groups 3, 4, 5.
    expect(await all({ from: '2026-03-02', to: '2026-03-02' })).toEqual(expected(i => [3, 4, 5].includes(Math.floor(i / 3))))
    expect(await all({ from: '2026-03-02T08:00:00Z', to: '2026-03-02T16:00:00+00:00' })).toEqual(expected(i => [4, 5].includes(Math.floor(i / 3))))
  })

  it('refuses bad bounds and filters with a 400-shaped issue on the field', () => {
    for (const [q, path] of [[{ from: '2026-02-30' }, 'from'], [{ to: '2026-03-02T08:00:00' }, 'to'], [{ from: '2026-03-03', to: '2026-03-02' }, 'from'], [{ actor: 'a b' }, 'actor'], [{ patientRef: 'x' }, '']] as const) {
      const result = AuditQuery.safeParse(q)
      expect(result.success, JSON.stringify(q)).toBe(false)
      expect(result.error!.issues[0]!.path.join('.')).toBe(path)
    }
  })

  it('each filter shape walks its own index, in key order, without a sort', () => {
    const plans = Object.fromEntries(queryCatalog().filter(c => c.name.startsWith('audit.list')).map(c => [c.name, explain(sqlite(), c.sql)]))
    expect(plans['audit.list[]']).toMatch(/SEARCH audit_log USING INDEX idx_audit_at \(at>\? AND at<\?\)/)
    expect(plans['audit.list[actor]']).toMatch(/SEARCH audit_log USING INDEX idx_audit_actor_at \(actor=\? AND at>\? AND at<\?\)/)
    expect(plans['audit.list[action]']).toMatch(/SEARCH audit_log USING INDEX idx_audit_action_at \(action=\? AND at>\? AND at<\?\)/)
    expect(plans['audit.list[actor,action]']).toMatch(/SEARCH audit_log USING INDEX idx_audit_(actor|action)_at/)
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/TEMP B-TREE/)
  })
})

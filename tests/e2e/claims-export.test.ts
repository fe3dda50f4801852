// GET /api/v1/claims/export over HTTP, on 220,000 seeded claims: the same claims as the list for
// each filter set, in both formats; RFC 4180 quoting and formula neutralising; a server whose
// memory stays flat while whole exports stream; a client that leaves mid-stream stops the reads.
import Database from 'better-sqlite3'
import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, auth, fetch, usePortal } from './portal.ts'

const CLAIMS = 220_000
const portal = await usePortal({ seed: { claims: CLAIMS, people: 1, days: 30 }, env: { NUXT_JOB_SCHEDULE: 'off' } })

let db: Database.Database
beforeAll(() => {
  db = new Database(portal.dbPath, { readonly: true })
})
afterAll(() => db.close())

const viewer = () => auth(portal.keys.viewer)
const exportText = async (query: string) => {
  const res = await fetch(`/api/v1/claims/export?${query}`, viewer())
  expect(res.status).toBe(200)
  return res.text()
}
const ndjson = (text: string) => text.split('\n').filter(Boolean).map(line => JSON.parse(line))
const csvClaims = (text: string) => (parseCsv(text, { columns: true }) as Record<string, string>[]).map((r): Record<string, string | number | null> => ({
  ...r, id: Number(r.id), providerId: Number(r.providerId), billedCents: Number(r.billedCents), paidCents: Number(r.paidCents), denialReason: r.denialReason || null,
}))
const total = async (query: string) => {
  const res = await fetch(`/api/v1/claims?${query}&count=true&limit=1`, viewer())
  return (await res.json()).page.total as number
}
const admin = async (path: string) => (await fetch(path, auth(ADMIN_KEY))).json()

describe('the answer', () => {
  it('is a CSV attachment that no one keeps, with no parameters at all', async () => {
    const res = await fetch('/api/v1/claims/export?status=appealed&providerId=1', viewer())
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="claims-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await res.text()).split('\r\n')[0]).toBe('id,source,sourceId,providerId,payer,patientRef,cptCode,dateOfService,submittedAt,status,denialReason,billedCents,paidCents')
    const nd = await fetch('/api/v1/claims/export?format=ndjson&status=appealed&providerId=1', viewer())
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson')
    expect(nd.headers.get('content-disposition')).toMatch(/filename="claims-[\d-]+\.ndjson"$/)
    await nd.text()
  })

  it('needs a viewer, and refuses a bad filter or format with a 400 naming it', async () => {
    expect((await fetch('/api/v1/claims/export')).status).toBe(401)
    for (const [query, path] of [['format=xlsx', 'format'], ['minBilledCents=abc', 'minBilledCents'], ['status=lost', 'status'], ['limit=5', 'limit'], ['cursor=abc', 'cursor']]) {
      const res = await fetch(`/api/v1/claims/export?${query}`, viewer())
      expect(res.status, query).toBe(400)
      expect((await res.json()).data.issues.map((i: { path: string }) => i.path)).toEqual([path])
    }
    const res = await fetch('/api/v1/claims/export?format=xlsx', viewer())
    expect((await res.json()).data.issues[0].message).toBe('must be one of csv, ndjson')
  })
})

describe('every matching claim', () => {
  const provider = () => (db.prepare('SELECT provider_id AS id FROM claims GROUP BY provider_id ORDER BY count(*) DESC LIMIT 1').get() as { id: number }).id
  const payer = () => (db.prepare('SELECT payer FROM claims GROUP BY payer ORDER BY count(*) LIMIT 1').get() as { payer: string }).payer
  const FILTERS = [
    () => 'status=denied',
    () => 'status=paid&status=appealed&sort=billedCents&from=2026-06-01&to=2026-06-08',
    () => `providerId=${provider()}&from=2026-06-10&to=2026-06-20&sort=-submittedAt`,
    () => `payer=${encodeURIComponent(payer())}&minBilledCents=10000&maxBilledCents=40000`,
    () => 'denialReason=CO-16&sort=dateOfService',
    () => 'payer=Nobody',
  ]
  it.each(FILTERS.map((f, i) => [i, f] as const))('filter set %i: as many as the list\'s total, the same claims in CSV and NDJSON', async (_, filters) => {
    const query = filters()
    const expected = await total(query)
    const fromNdjson = ndjson(await exportText(`${query}&format=ndjson`))
    expect(fromNdjson.length).toBe(expected)
    expect(new Set(fromNdjson.map(c => c.id)).size).toBe(expected)
    expect(csvClaims(await exportText(`${query}&format=csv`))).toEqual(fromNdjson)
    // In the list's order: its first page is the export's head.
    const first = await (await fetch(`/api/v1/claims?${query}&limit=20`, viewer())).json()
    expect(fromNdjson.slice(0, 20)).toEqual(first.data)
  }, 60_000)
})

describe('text that a spreadsheet or a CSV reader could misread', () => {
  const base = { providerId: 1, patientRef: 'PT-ESC', cptCode: '99213', dateOfService: '2026-06-01', submittedAt: '2026-06-02T10:00:00Z', status: 'submitted', billedCents: 1000 }
  const claims = [
    { ...base, source: 'esc', sourceId: 'quote-1', payer: 'Acme, "Best" Health' },
    { ...base, source: 'esc', sourceId: 'formula-1', payer: '=HYPERLINK("http://x.example","Acme")' },
    { ...base, source: '@SUM(A1)', sourceId: '-2+3', payer: '+Plus Health' },
  ]
  it('quotes commas and quotes (RFC 4180) and starts formula-like cells with a quote', async () => {
    const res = await fetch('/api/v1/claims', { method: 'POST', headers: { ...auth(portal.keys.operator).headers, 'content-type': 'application/json' }, body: JSON.stringify(claims) })
    expect(res.status).toBe(200)
    const text = await exportText('format=csv&from=2026-06-01&to=2026-06-01&providerId=1&sort=dateOfService')
    expect(text).toContain(',"Acme, ""Best"" Health",')
    const rows = csvClaims(text).filter(r => r.patientRef === 'PT-ESC')
    expect(rows.map(r => [r.source, r.sourceId, r.payer]).sort()).toEqual([
      ['\'@SUM(A1)', '\'-2+3', '\'+Plus Health'],
      ['esc', 'formula-1', '\'=HYPERLINK("http://x.example","Acme")'],
      ['esc', 'quote-1', 'Acme, "Best" Health'],
    ])
    // NDJSON is data, not a spreadsheet: values as stored.
    const nd = ndjson(await exportText(`format=ndjson&payer=${encodeURIComponent('=HYPERLINK("http://x.example","Acme")')}`))
    expect(nd.map(c => c.payer)).toEqual(['=HYPERLINK("http://x.example","Acme")'])
  })
})

describe('a whole export', () => {
  const memory = async () => {
    const { process } = await admin('/api/v1/admin/health')
    return { rss: process.rssBytes as number, heap: process.heapUsedBytes as number }
  }
  const drain = async (query: string) => {
    // Uncompressed: this measures the export's own reading and writing (zlib's buffers and the
    // garbage they leave are the compression's, tested in compression.test.ts).
    const res = await fetch(`/api/v1/claims/export?${query}`, { headers: { ...viewer().headers, 'accept-encoding': 'identity' } })
    const reader = res.body!.getReader()
    let bytes = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return bytes
      bytes += value.length
    }
  }

  it('streams 220,000 claims while the server\'s memory stays flat', async () => {
    // The database file is memory-mapped, by each reader thread's connection on its own (resident
    // memory counts a page once per mapping): reading every claim maps its pages into the
    // server's resident memory. The same three exports run once first, so what the measured ones
    // add is their own.
    const exports = () => Promise.all([drain('format=ndjson'), drain('format=csv'), drain('format=ndjson&sort=billedCents')])
    await exports()
    const before = await memory()
    const peak = { ...before }
    let streaming = true
    const sampling = (async () => {
      while (streaming) {
        const now = await memory()
        peak.rss = Math.max(peak.rss, now.rss)
        peak.heap = Math.max(peak.heap, now.heap)
        await new Promise(r => setTimeout(r, 50))
      }
    })()
    // Three at once: answers built in memory would hold three times ~30 to 100 MB.
    const sizes = await exports()
    streaming = false
    await sampling
    expect(sizes[0]).toBeGreaterThan(CLAIMS * 200)
    // The heap is the sharp test: an answer built in memory grew it by 181 MB here. Streaming
    // grew it by 15 MB while pages were read on the main thread, and by 55 to 70 MB since they
    // come from the reader threads (each page arrives as one JSON string, large-object garbage
    // that waits for a major collection). Resident memory also counts garbage the collector has
    // not reached yet, which on a loaded machine was 73 MB once (an in-memory answer: 111 MB).
    expect(peak.heap - before.heap).toBeLessThan(100 * 2 ** 20)
    expect(peak.rss - before.rss).toBeLessThan(100 * 2 ** 20)
  }, 180_000)

  it('is audited once, with its filters and no claim', async () => {
    await exportText('status=denied&payer=Aetna&format=ndjson')
    const expected = JSON.stringify({ status: ['denied'], payer: 'Aetna', sort: '-dateOfService', format: 'ndjson' })
    const rows = () => (db.prepare(`SELECT actor, target, detail FROM audit_log WHERE action = 'read.claims-export'`).all() as { actor: string, target: string | null, detail: string }[])
      .filter(r => JSON.stringify(JSON.parse(r.detail)) === expected)
    const deadline = Date.now() + 5000
    while (Date.now() < deadline && rows().length === 0) await new Promise(r => setTimeout(r, 100))
    // Buffered reads are flushed every second: wait one more, so a second row would show.
    await new Promise(r => setTimeout(r, 1200))
    expect(rows()).toHaveLength(1)
    expect(rows()[0]!.target).toBeNull()
    expect(rows()[0]!.actor).toMatch(/^key:\d+$/)
  })

  it('stops reading when the client disconnects, and the server stays healthy', async () => {
    const listCalls = async () => ((await admin('/api/v1/admin/queries')).queries as { name: string, calls: number }[])
      .filter(q => q.name.startsWith('claims.list')).reduce((n, q) => n + q.calls, 0)
    const controller = new AbortController()
    const res = await fetch('/api/v1/claims/export?format=csv&sort=billedCents', { ...viewer(), signal: controller.signal })
    const reader = res.body!.getReader()
    await reader.read()
    controller.abort()
    await reader.closed.catch(() => {})
    await new Promise(r => setTimeout(r, 300))
    const after = await listCalls()
    await new Promise(r => setTimeout(r, 1500))
    // 220 pages would take seconds: none is read once the client has gone.
    expect(await listCalls()).toBe(after)
    expect((await fetch('/healthz')).status).toBe(200)
    expect((await fetch('/api/v1/claims?limit=1', viewer())).status).toBe(200)
    const health = await admin('/api/v1/admin/health')
    expect(health.requests.errorRate).toBe(0)
  }, 60_000)
})

// Bulk ingest: POST /api/v1/claims with 10,000 new claims a request (JSON), one request after
// another, against a raw multi-row INSERT loop in one transaction writing the same rows. Both
// write to a copy of the bench database (bench/ingest.db, removed afterwards), so the bench
// database keeps its million claims and the next run can reuse it. The service's own parse +
// validate and write steps are timed in this process as well, to show where an API batch's
// time goes.
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { closeDatabase, initDatabase } from '../../../server/database/client.ts'
import type { Sqlite } from '../../../server/database/connection.ts'
import { parseBatch, validateBatch, writeBatch } from '../../../server/services/claims/ingest.ts'
import { checkpoint } from '../lib/bench-db.ts'
import type { BenchContext, Scenario } from '../lib/context.ts'
import { newClaims, type NewClaim } from '../lib/ingest-batch.ts'
import { checkTarget, fmtInt, fmtMs, fmtRatio, type ScenarioResult } from '../lib/report.ts'
import { startPortal } from '../lib/server.ts'
import { median, ratio } from '../lib/stats.ts'

const BATCH = 10_000
const BATCHES = 8
/** Claims a second through the API, at least. */
export const INGEST_TARGET = 50_000

const COLUMNS = ['source', 'source_id', 'provider_id', 'payer', 'patient_ref', 'cpt_code', 'date_of_service', 'submitted_at', 'status',
  'denial_reason', 'billed_cents', 'paid_cents', 'created_at', 'updated_at']
/** Rows per INSERT, as the ingest service writes them. */
const ROWS_PER_STATEMENT = 200

/** Inserts the claims in one transaction, ROWS_PER_STATEMENT a statement; returns the milliseconds. */
function rawInsert(sqlite: Sqlite, claims: NewClaim[]): number {
  if (claims.length % ROWS_PER_STATEMENT !== 0) throw new Error(`rawInsert takes whole statements of ${ROWS_PER_STATEMENT} rows`)
  const tuple = `(${COLUMNS.map(() => '?').join(',')})`
  const stmt = sqlite.prepare(`INSERT INTO claims (${COLUMNS.join(', ')}) VALUES ${Array(ROWS_PER_STATEMENT).fill(tuple).join(',')}`)
  const now = Date.now()
  const values = claims.flatMap(c => [c.source, c.sourceId, c.providerId, c.payer, c.patientRef, c.cptCode, c.dateOfService,
    Date.parse(c.submittedAt), c.status, c.denialReason, c.billedCents, c.paidCents, now, now])
  const started = performance.now()
  sqlite.transaction(() => {
    for (let row = 0; row < claims.length; row += ROWS_PER_STATEMENT) {
      stmt.run(values.slice(row * COLUMNS.length, (row + ROWS_PER_STATEMENT) * COLUMNS.length))
    }
  }).immediate()
  return performance.now() - started
}

export const ingest: Scenario = {
  name: 'ingest',
  title: 'Bulk ingest through POST /api/v1/claims against a raw INSERT loop',
  summary: `${BATCHES} batches of ${BATCH.toLocaleString('en-US')} new claims through the API (rows/s) against raw multi-row INSERTs in one transaction`,
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    await ctx.stopPortal()
    checkpoint(ctx.connection().sqlite)
    closeDatabase()
    const copy = join(ctx.benchDir, 'ingest.db')
    const removeCopy = () => ['', '-wal', '-shm'].forEach(s => rmSync(copy + s, { force: true }))
    removeCopy()
    copyFileSync(ctx.db.path, copy)
    try {
      const tag = Date.now().toString(36)
      const batches = Array.from({ length: BATCHES + 1 }, (_, b) => newClaims(ctx.facts, 'bench-api', `${tag}-${b}`, b === 0 ? 1000 : BATCH, 500 + b))
      const bodies = batches.map(b => JSON.stringify(b))

      ctx.log(`ingest: ${BATCHES} × ${BATCH} claims through the API`)
      const portal = await startPortal(ctx.pinning, copy, ctx.adminKey)
      const requestMs: number[] = []
      try {
        for (const [i, body] of bodies.entries()) {
          const started = performance.now()
          const res = await fetch(`${portal.origin}/api/v1/claims`, {
            method: 'POST',
            headers: { 'authorization': `Bearer ${ctx.adminKey}`, 'content-type': 'application/json' },
            body,
          })
          const answer = await res.json() as { inserted?: number }
          if (!res.ok || answer.inserted !== batches[i]!.length) throw new Error(`POST /api/v1/claims answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
          // The first, smaller batch is the warm-up.
          if (i > 0) requestMs.push(performance.now() - started)
        }
      }
      finally {
        await portal.stop()
      }
      const apiRows = BATCHES * BATCH
      const apiMs = requestMs.reduce((a, b) => a + b, 0)

      ctx.log('ingest: raw INSERT loop and the service steps in process')
      // The same rows under another source; the warm-up batch first, untimed, as for the API.
      const rawClaims = batches.slice(1).flat().map(c => ({ ...c, source: 'bench-raw' }))
      const sqlite = initDatabase(copy).sqlite
      rawInsert(sqlite, batches[0]!.map(c => ({ ...c, source: 'bench-raw' })))
      const rawMs = rawInsert(sqlite, rawClaims)

      // One more batch through the service's own steps, without HTTP.
      const body = JSON.stringify(newClaims(ctx.facts, 'bench-service', tag, BATCH, 900))
      let started = performance.now()
      const validated = validateBatch(parseBatch(body, 'application/json'))
      const validateMs = performance.now() - started
      started = performance.now()
      writeBatch(validated)
      const writeMs = performance.now() - started
      closeDatabase()

      const perSecond = (rows: number, ms: number) => (rows * 1000) / ms
      const apiRate = perSecond(apiRows, apiMs)
      const rawRate = perSecond(rawClaims.length, rawMs)
      return {
        name: this.name,
        title: this.title,
        columns: ['path', 'claims', 'time', 'claims/s', '÷ raw'],
        rows: [
          ['POST /api/v1/claims, JSON, one request at a time', fmtInt(apiRows), fmtMs(apiMs), fmtInt(apiRate), fmtRatio(ratio(apiRate, rawRate))],
          ['  the same service in process: parse + validate one batch', fmtInt(BATCH), fmtMs(validateMs), fmtInt(perSecond(BATCH, validateMs)), ''],
          ['  the same service in process: write one batch (writeBatch)', fmtInt(BATCH), fmtMs(writeMs), fmtInt(perSecond(BATCH, writeMs)), ''],
          ['raw multi-row INSERT, one transaction', fmtInt(rawClaims.length), fmtMs(rawMs), fmtInt(rawRate), '1.00×'],
        ],
        targets: [checkTarget('ingest through POST /api/v1/claims (claims/s)', apiRate, '>=', INGEST_TARGET, fmtInt)],
        notes: [
          `Batches of ${BATCH.toLocaleString('en-US')} new claims (about ${Math.round(bodies[1]!.length / 1024).toLocaleString('en-US')} KiB of JSON each) after a warm-up batch of 1,000; median request ${fmtMs(median(requestMs))}.`,
          `On a copy of the bench database, removed afterwards. The raw loop writes ${ROWS_PER_STATEMENT} rows a statement like the service, but no rollup, no validation, no idempotency lookup.`,
        ],
        data: { apiRows, apiMs, requestMs, rawRows: rawClaims.length, rawMs, validateMs, writeMs, apiRate, rawRate },
      }
    }
    finally {
      closeDatabase()
      removeCopy()
    }
  },
}

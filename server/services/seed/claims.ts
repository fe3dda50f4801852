// Synthetic claims: volume with a weekly rhythm and a winter peak, statuses that depend on the
// claim's age (recent claims are still submitted or pending), payer-specific denial rates and
// allowed amounts, and the hot spots of claims-model.ts. Rows are written in date order with
// multi-row INSERTs, and the rollup is filled in the same transactions.
import type { Sqlite } from '../../database/connection.ts'
import { BulkInserter } from '../query/bulk-insert.ts'
import type { ClaimStatus } from '../../database/schema.ts'
import { accumulateClaim, applyRollup, type RollupAccumulator } from '../claims/rollup.ts'
import { DENIAL_REASONS, HOT_SPOTS, PAYERS, providerSeeds, SPECIALTIES, type CptCode, type PayerModel, type ProviderSeed } from './claims-model.ts'
import { Random, WeightedPicker } from './random.ts'
import { DAY_MS, type Progress } from './calendar.ts'

/** Claims per transaction: large enough to amortise the commit, small enough to report progress. */
const BATCH = 50_000

/** `createdAt`: when the providers joined, the start of the data (not the wall clock of the seed). */
export function seedProviders(sqlite: Sqlite, createdAt: number): ProviderSeed[] {
  const providers = providerSeeds()
  const insert = sqlite.prepare('INSERT INTO providers (id, npi, name, specialty, state, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
  sqlite.transaction(() => {
    for (const p of providers) insert.run(p.id, p.npi, p.name, p.specialty, p.state, createdAt)
  })()
  return providers
}

/** Relative claim volume of a day: weekends are quiet, January is busy, August is not. */
export function dayWeight(day: string): number {
  const date = new Date(`${day}T00:00:00Z`)
  const weekday = date.getUTCDay()
  const week = weekday === 0 ? 0.12 : weekday === 6 ? 0.3 : 1
  const dayOfYear = (date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS
  const season = 1 + 0.18 * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365)
  return week * season
}

/** Splits `total` claims over the days by weight, exactly (largest remainders go first in order). */
export function claimsPerDay(days: readonly string[], total: number): number[] {
  const weights = days.map(dayWeight)
  const sum = weights.reduce((a, b) => a + b, 0)
  let carried = 0
  return weights.map((w) => {
    const exact = (total * w) / sum + carried
    const n = Math.floor(exact + 1e-9)
    carried = exact - n
    return n
  }).map((n, i, all) => (i === all.length - 1 ? total - all.slice(0, -1).reduce((a, b) => a + b, 0) : n))
}

interface ClaimDraft {
  status: ClaimStatus
  denialReason: string | null
}

const reasonPicker = new WeightedPicker(DENIAL_REASONS.map(r => r.code), DENIAL_REASONS.map(r => r.weight))

/** Status by age: a claim settles over its first month. */
function drawStatus(random: Random, ageDays: number, denialChance: number): 'submitted' | 'pending' | 'approved' | 'settled' {
  if (ageDays < 3) return random.chance(0.8) ? 'submitted' : 'pending'
  if (ageDays < 10) return random.chance(0.25) ? 'submitted' : random.chance(0.6) ? 'pending' : 'settled'
  if (ageDays < 30) return random.chance(0.12) ? 'pending' : random.chance(0.2 * (1 - denialChance)) ? 'approved' : 'settled'
  return random.chance(0.015) ? 'pending' : random.chance(0.03) ? 'approved' : 'settled'
}

function settle(random: Random, ageDays: number, payer: PayerModel, hot: { reason: string, extraRate: number } | undefined): ClaimDraft {
  const hotDenied = hot !== undefined && random.chance(hot.extraRate)
  if (hotDenied || random.chance(payer.denialRate)) {
    // Older denials are sometimes appealed (an appealed claim no longer carries its reason).
    if (ageDays > 45 && random.chance(0.15)) return { status: 'appealed', denialReason: null }
    return { status: 'denied', denialReason: hotDenied ? hot.reason : reasonPicker.pick(random) }
  }
  return { status: 'paid', denialReason: null }
}

export interface ClaimsSeedOptions {
  claims: number
  days: string[]
  /** The end instant (epoch ms): no claim is submitted after it. */
  endMs: number
  seed: number
  onProgress?: Progress
}

export function seedClaims(sqlite: Sqlite, providers: ProviderSeed[], options: ClaimsSeedOptions): number {
  const random = new Random(options.seed)
  const providerPicker = new WeightedPicker(providers, providers.map(p => p.volume))
  const payerPicker = new WeightedPicker(PAYERS, PAYERS.map(p => p.share))
  const cptPickers = new Map(Object.entries(SPECIALTIES).map(([s, codes]) => [s, new WeightedPicker<CptCode>(codes, codes.map((_, i) => 1 / (i + 1)))]))
  const hotSpots = new Map(HOT_SPOTS.map(h => [`${h.provider}|${h.payer ?? '*'}`, h]))
  const patients = Math.max(500, Math.floor(options.claims / 5))
  const { endMs } = options
  const perDay = claimsPerDay(options.days, options.claims)

  const columns = ['source', 'source_id', 'provider_id', 'payer', 'patient_ref', 'cpt_code', 'date_of_service', 'submitted_at', 'status', 'denial_reason', 'billed_cents', 'paid_cents', 'created_at', 'updated_at'] as const
  let written = 0
  let dayIndex = 0
  while (dayIndex < options.days.length) {
    const acc: RollupAccumulator = new Map()
    sqlite.transaction(() => {
      const insert = new BulkInserter('seed.claims.insert', sqlite, 'claims', columns, 1000)
      let inBatch = 0
      while (dayIndex < options.days.length && inBatch < BATCH) {
        const day = options.days[dayIndex]!
        const dayMs = Date.parse(`${day}T00:00:00Z`)
        const ageDays = Math.round((endMs - dayMs) / DAY_MS)
        for (let i = 0; i < perDay[dayIndex]!; i++) {
          const provider = providerPicker.pick(random)
          const payer = payerPicker.pick(random)
          const cpt = cptPickers.get(provider.specialty)!.pick(random)
          const billedCents = Math.max(100, Math.round(cpt.charge * Math.exp(random.normal(0, 0.12))))
          const hot = hotSpots.get(`${provider.id}|${payer.name}`) ?? hotSpots.get(`${provider.id}|*`)
          const stage = drawStatus(random, ageDays, payer.denialRate)
          const draft: ClaimDraft = stage === 'settled' ? settle(random, ageDays, payer, hot) : { status: stage, denialReason: null }
          const paidCents = draft.status === 'paid' ? Math.round(billedCents * payer.allowed * (0.9 + 0.1 * random.next())) : 0
          // Submitted one to ten working days after the visit, in office hours. A visit too recent
          // for that was submitted between the visit's day and the end instant (spread out, not
          // piled up on the end instant itself).
          const planned = dayMs + random.int(1, 10) * DAY_MS + random.int(8 * 3600, 18 * 3600) * 1000
          const submittedAt = planned <= endMs ? planned : dayMs + Math.floor(random.next() * (endMs - dayMs + 1))
          const patientRef = `PT${random.int(0, patients - 1).toString(36).toUpperCase().padStart(5, '0')}`
          written++
          insert.push('seed', `C${String(written).padStart(9, '0')}`, provider.id, payer.name, patientRef, cpt.code, day, submittedAt, draft.status, draft.denialReason, billedCents, paidCents, submittedAt, submittedAt)
          accumulateClaim(acc, { providerId: provider.id, payer: payer.name, dateOfService: day, status: draft.status, denialReason: draft.denialReason, billedCents, paidCents, submittedAt })
          inBatch++
        }
        dayIndex++
      }
      insert.flush()
      applyRollup(sqlite, acc)
    })()
    options.onProgress?.(written, options.claims, written)
  }
  return written
}

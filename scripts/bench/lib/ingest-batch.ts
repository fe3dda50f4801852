// New claims for the ingest scenario: valid for POST /api/v1/claims (ClaimInput), all new
// (their sourceIds carry the batch's tag), deterministic for a seed, spread over the last two
// months of the bench data like a day's feed from a clearinghouse would be.
import { Random } from '../../../server/services/seed/random.ts'
import { addDays, type MixFacts } from './mix.ts'

export interface NewClaim {
  source: string
  sourceId: string
  providerId: number
  payer: string
  patientRef: string
  cptCode: string
  dateOfService: string
  submittedAt: string
  status: 'submitted' | 'pending' | 'approved' | 'denied' | 'paid' | 'appealed'
  denialReason: string | null
  billedCents: number
  paidCents: number
}

const CPT_CODES = ['99213', '99214', '99203', '80053', '85025', '93000', '71046', '97110']
const STATUSES = [['submitted', 30], ['pending', 20], ['approved', 15], ['paid', 25], ['denied', 8], ['appealed', 2]] as const

export function newClaims(facts: Pick<MixFacts, 'lastDay' | 'providerIds' | 'payers' | 'denialReasons'>, source: string, tag: string, count: number, seed: number): NewClaim[] {
  const random = new Random(seed)
  const total = STATUSES.reduce((n, [, w]) => n + w, 0)
  return Array.from({ length: count }, (_, i) => {
    let x = random.next() * total
    const status = STATUSES.find(([, w]) => (x -= w) < 0)?.[0] ?? 'submitted'
    const dateOfService = addDays(facts.lastDay, -random.int(0, 59))
    const submitted = Date.parse(`${dateOfService}T00:00:00Z`) + random.int(1, 5) * 86_400_000 + random.int(0, 86_399) * 1000
    const billedCents = random.int(50, 2500) * 100
    return {
      source,
      sourceId: `${tag}-${i}`,
      providerId: random.pick(facts.providerIds),
      payer: random.pick(facts.payers),
      patientRef: `BP${random.int(1, 200_000)}`,
      cptCode: random.pick(CPT_CODES),
      dateOfService,
      submittedAt: new Date(submitted).toISOString(),
      status,
      denialReason: status === 'denied' ? random.pick(facts.denialReasons) : null,
      billedCents,
      paidCents: status === 'paid' ? Math.round(billedCents * (0.6 + 0.35 * random.next())) : 0,
    }
  })
}

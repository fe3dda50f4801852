// The shape of the synthetic claims: providers, payers, CPT codes with their usual charges,
// CARC denial codes, and the "hot spots" where a provider's claims to one payer are denied for
// one reason far more often than elsewhere (so that GET /claims/denial-patterns finds them).

export interface CptCode {
  code: string
  /** The usual charge in cents. */
  charge: number
}

export const SPECIALTIES: Record<string, readonly CptCode[]> = {
  'Family Medicine': [{ code: '99213', charge: 13_500 }, { code: '99214', charge: 19_500 }, { code: '99396', charge: 24_000 }, { code: '36415', charge: 1_500 }, { code: '90471', charge: 2_800 }],
  'Internal Medicine': [{ code: '99214', charge: 19_500 }, { code: '99215', charge: 26_000 }, { code: '80053', charge: 4_500 }, { code: '85025', charge: 3_200 }, { code: '36415', charge: 1_500 }],
  'Cardiology': [{ code: '93000', charge: 6_500 }, { code: '93306', charge: 95_000 }, { code: '99204', charge: 32_000 }, { code: '93350', charge: 120_000 }],
  'Orthopedics': [{ code: '73721', charge: 180_000 }, { code: '20610', charge: 22_000 }, { code: '99203', charge: 21_000 }, { code: '97110', charge: 9_000 }],
  'Radiology': [{ code: '71046', charge: 12_000 }, { code: '74177', charge: 140_000 }, { code: '70553', charge: 210_000 }, { code: '77067', charge: 28_000 }],
  'Behavioral Health': [{ code: '90834', charge: 15_000 }, { code: '90837', charge: 21_000 }, { code: '90791', charge: 25_000 }],
  'Emergency Medicine': [{ code: '99284', charge: 85_000 }, { code: '99285', charge: 140_000 }, { code: '99283', charge: 48_000 }],
  'Gastroenterology': [{ code: '45378', charge: 210_000 }, { code: '43239', charge: 190_000 }, { code: '99214', charge: 19_500 }],
  'Physical Therapy': [{ code: '97110', charge: 9_000 }, { code: '97140', charge: 8_500 }, { code: '97161', charge: 16_000 }],
}

export interface PayerModel {
  name: string
  /** Share of claim volume. */
  share: number
  /** Paid ÷ billed for a paid claim, on average. */
  allowed: number
  /** Chance that a settled claim is denied, before hot spots. */
  denialRate: number
}

export const PAYERS: readonly PayerModel[] = [
  { name: 'Medicare', share: 0.24, allowed: 0.48, denialRate: 0.07 },
  { name: 'Blue Cross Blue Shield', share: 0.17, allowed: 0.68, denialRate: 0.08 },
  { name: 'UnitedHealthcare', share: 0.15, allowed: 0.66, denialRate: 0.11 },
  { name: 'Aetna', share: 0.12, allowed: 0.64, denialRate: 0.09 },
  { name: 'Cigna', share: 0.09, allowed: 0.65, denialRate: 0.09 },
  { name: 'Humana', share: 0.09, allowed: 0.55, denialRate: 0.1 },
  { name: 'Medicaid', share: 0.1, allowed: 0.4, denialRate: 0.13 },
  { name: 'Kaiser Permanente', share: 0.04, allowed: 0.7, denialRate: 0.06 },
]

/** CARC codes with their share of ordinary denials. */
export const DENIAL_REASONS: readonly { code: string, weight: number, meaning: string }[] = [
  { code: 'CO-16', weight: 22, meaning: 'Claim lacks information needed for adjudication' },
  { code: 'CO-97', weight: 14, meaning: 'Payment included in another service (bundled)' },
  { code: 'CO-45', weight: 13, meaning: 'Charge exceeds fee schedule' },
  { code: 'CO-50', weight: 10, meaning: 'Not medically necessary' },
  { code: 'CO-197', weight: 9, meaning: 'Precertification or authorization absent' },
  { code: 'CO-18', weight: 8, meaning: 'Duplicate claim' },
  { code: 'CO-29', weight: 6, meaning: 'Time limit for filing expired' },
  { code: 'CO-4', weight: 6, meaning: 'Modifier inconsistent with procedure' },
  { code: 'PR-1', weight: 7, meaning: 'Deductible amount' },
  { code: 'PR-2', weight: 5, meaning: 'Coinsurance amount' },
]

/** Provider numbers (1-based, in seeding order) whose claims are denied for one reason far more often. */
export interface HotSpot {
  provider: number
  /** A payer name, or undefined for every payer. */
  payer?: string
  reason: string
  /** Added to the payer's denial rate. */
  extraRate: number
}

export const HOT_SPOTS: readonly HotSpot[] = [
  { provider: 3, payer: 'Aetna', reason: 'CO-197', extraRate: 0.35 },
  { provider: 11, payer: 'Medicare', reason: 'CO-50', extraRate: 0.25 },
  { provider: 17, reason: 'CO-16', extraRate: 0.18 },
  { provider: 29, payer: 'UnitedHealthcare', reason: 'CO-97', extraRate: 0.3 },
  { provider: 42, payer: 'Medicaid', reason: 'CO-29', extraRate: 0.22 },
]

export const PROVIDER_COUNT = 60

const NAME_PARTS = ['Cedar', 'Riverside', 'Summit', 'Harbor', 'Willow', 'Granite', 'Lakeview', 'Maple', 'Pioneer', 'Aspen',
  'Cascade', 'Meadow', 'Ridgeline', 'Bayside', 'Sunrise', 'Evergreen', 'Northgate', 'Juniper', 'Redwood', 'Prairie']
const NAME_KINDS = ['Clinic', 'Medical Group', 'Health Partners', 'Associates', 'Care Center']
const STATES = ['OR', 'WA', 'CA', 'ID', 'NV', 'AZ']

export interface ProviderSeed {
  id: number
  npi: string
  name: string
  specialty: string
  state: string
  /** Relative claim volume. */
  volume: number
}

/** NPIs carry a Luhn check digit computed over the prefix 80840 and the first nine digits. */
export function npiWithCheckDigit(nine: string): string {
  const digits = `80840${nine}`.split('').map(Number)
  let sum = 0
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits[i]!
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return nine + String((10 - (sum % 10)) % 10)
}

export function providerSeeds(): ProviderSeed[] {
  const specialties = Object.keys(SPECIALTIES)
  return Array.from({ length: PROVIDER_COUNT }, (_, i) => {
    const specialty = specialties[i % specialties.length]!
    const part = NAME_PARTS[(i * 7) % NAME_PARTS.length]!
    const kind = NAME_KINDS[Math.floor(i / NAME_PARTS.length) % NAME_KINDS.length]!
    return {
      id: i + 1,
      npi: npiWithCheckDigit(String(100_000_000 + i * 7_919_113).slice(0, 9)),
      name: `${part} ${specialty} ${kind}`,
      specialty,
      state: STATES[i % STATES.length]!,
      // A long tail: a few large groups and many small practices.
      volume: 1 / (1 + (i % 20) * 0.35),
    }
  })
}

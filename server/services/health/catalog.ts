// The health metrics the portal knows (API.md, "Health data and supplements") with their units
// and the range a real measurement can fall in, and the supplement catalogue. Ingest rejects a
// value outside its metric's range (a resting heart rate of 900 is a typo, not a patient).

export const METRIC_NAMES = ['resting_heart_rate', 'hrv', 'sleep_minutes', 'steps', 'weight', 'glucose', 'systolic_bp', 'diastolic_bp'] as const
export type MetricName = (typeof METRIC_NAMES)[number]

export interface MetricInfo {
  name: MetricName
  unit: string
  /** Inclusive bounds of a plausible single measurement. */
  min: number
  max: number
}

export const METRICS: Record<MetricName, MetricInfo> = {
  resting_heart_rate: { name: 'resting_heart_rate', unit: 'bpm', min: 25, max: 220 },
  hrv: { name: 'hrv', unit: 'ms', min: 1, max: 300 },
  sleep_minutes: { name: 'sleep_minutes', unit: 'min', min: 0, max: 1440 },
  steps: { name: 'steps', unit: 'steps', min: 0, max: 150_000 },
  weight: { name: 'weight', unit: 'kg', min: 2, max: 400 },
  glucose: { name: 'glucose', unit: 'mg/dL', min: 20, max: 700 },
  systolic_bp: { name: 'systolic_bp', unit: 'mmHg', min: 50, max: 260 },
  diastolic_bp: { name: 'diastolic_bp', unit: 'mmHg', min: 25, max: 180 },
}

export interface SupplementInfo {
  id: string
  name: string
  defaultUnit: string
  /** The usual single dose in defaultUnit, used by the demo data. */
  typicalDose: number
  description: string
}

export const SUPPLEMENTS: readonly SupplementInfo[] = [
  { id: 'magnesium', name: 'Magnesium glycinate', defaultUnit: 'mg', typicalDose: 400, description: 'Mineral; often taken in the evening for sleep' },
  { id: 'melatonin', name: 'Melatonin', defaultUnit: 'mg', typicalDose: 3, description: 'Sleep hormone, taken before bed' },
  { id: 'vitamin_d3', name: 'Vitamin D3', defaultUnit: 'IU', typicalDose: 2000, description: 'Fat-soluble vitamin' },
  { id: 'omega_3', name: 'Omega-3 fish oil', defaultUnit: 'mg', typicalDose: 1000, description: 'EPA and DHA' },
  { id: 'caffeine', name: 'Caffeine', defaultUnit: 'mg', typicalDose: 200, description: 'Stimulant (tablets or measured coffee)' },
  { id: 'creatine', name: 'Creatine monohydrate', defaultUnit: 'g', typicalDose: 5, description: 'Used for strength training; retains water' },
  { id: 'ashwagandha', name: 'Ashwagandha', defaultUnit: 'mg', typicalDose: 600, description: 'Adaptogenic herb' },
  { id: 'berberine', name: 'Berberine', defaultUnit: 'mg', typicalDose: 500, description: 'Plant alkaloid studied for blood glucose' },
  { id: 'zinc', name: 'Zinc', defaultUnit: 'mg', typicalDose: 25, description: 'Mineral' },
  { id: 'vitamin_b12', name: 'Vitamin B12', defaultUnit: 'mcg', typicalDose: 1000, description: 'Water-soluble vitamin' },
  { id: 'iron', name: 'Iron bisglycinate', defaultUnit: 'mg', typicalDose: 25, description: 'Mineral' },
  { id: 'l_theanine', name: 'L-theanine', defaultUnit: 'mg', typicalDose: 200, description: 'Amino acid from tea' },
]


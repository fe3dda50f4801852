// The retention settings (NUXT_RETENTION_*): how many whole days each kind of record is kept.
// Parsed at start (server/plugins/jobs.ts), so a malformed value stops the start with one clear
// line instead of failing every scheduled run; the parsed days travel in the job's payload,
// since the worker thread has no runtime config.

/** A setting's value: whole days, or null to keep forever (`off`). */
export type RetentionDays = number | null

export interface RetentionSetting {
  env: string
  /** The runtimeConfig key Nuxt fills from `env`. */
  configKey: string
  defaultDays: RetentionDays
}

// Health records are a provider's medical record: kept ten years unless the operator says less.
// Audit rows six years, the HIPAA documentation period. Job runs only hold what a run did.
export const RETENTION_SETTINGS = {
  health: { env: 'NUXT_RETENTION_HEALTH_DAYS', configKey: 'retentionHealthDays', defaultDays: 3650 },
  audit: { env: 'NUXT_RETENTION_AUDIT_DAYS', configKey: 'retentionAuditDays', defaultDays: 2190 },
  jobs: { env: 'NUXT_RETENTION_JOBS_DAYS', configKey: 'retentionJobsDays', defaultDays: 30 },
} as const satisfies Record<string, RetentionSetting>

export type RetentionSettingName = keyof typeof RETENTION_SETTINGS
export type RetentionDaysBySetting = Record<RetentionSettingName, RetentionDays>

export class RetentionError extends Error {}

/** One setting as the operator gives it: a whole number of days, at least 1, or `off`. */
export function parseRetentionDays(value: unknown, setting: RetentionSetting): RetentionDays {
  if (value === null) return null
  const text = String(value ?? '').trim()
  if (text === '') return setting.defaultDays
  if (text.toLowerCase() === 'off') return null
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) {
    throw new RetentionError(`${setting.env} must be a whole number of days, at least 1, or off (got "${text.slice(0, 40)}")`)
  }
  return Number(text)
}

/** Every setting, from the runtime config (or a job's payload, which carries the same keys' values). */
export function retentionDays(read: (setting: RetentionSetting, name: RetentionSettingName) => unknown): RetentionDaysBySetting {
  const entries = Object.entries(RETENTION_SETTINGS) as [RetentionSettingName, RetentionSetting][]
  return Object.fromEntries(entries.map(([name, setting]) => [name, parseRetentionDays(read(setting, name), setting)])) as RetentionDaysBySetting
}

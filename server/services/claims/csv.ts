// CSV for the claims export (RFC 4180): fields with commas, quotes or line breaks are quoted.
// Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a quote.
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

export const CLAIM_CSV_COLUMNS = ['id', 'source', 'sourceId', 'providerId', 'payer', 'patientRef', 'cptCode', 'dateOfService',
  'submittedAt', 'status', 'denialReason', 'billedCents', 'paidCents'] as const

/** The CSV lines for one page of claims, in CLAIM_CSV_COLUMNS order. */
export function claimsCsvLines(rows: Record<string, unknown>[]): string {
  let out = ''
  for (const row of rows) out += csvLine(CLAIM_CSV_COLUMNS.map(c => row[c]))
  return out
}

export function claimsCsvHeader(): string {
  return csvLine([...CLAIM_CSV_COLUMNS])
}

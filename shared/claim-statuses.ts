// The claim statuses, the one closed set the dashboard and the server both need as values: here,
// importing nothing, so the browser bundle can take it without the database schema (drizzle).
export const CLAIM_STATUSES = ['submitted', 'pending', 'approved', 'denied', 'paid', 'appealed'] as const
export type ClaimStatus = (typeof CLAIM_STATUSES)[number]

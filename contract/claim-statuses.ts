// The claim statuses, a closed set the dashboard and the server both need as values: here,
// importing nothing, so the browser bundle can take it without the database schema (drizzle).
// Not in Nuxt 4's shared/: its SSR build externalizes that directory and the built server could
// not resolve it from the relocated build directory the tests use.
export const CLAIM_STATUSES = ['submitted', 'pending', 'approved', 'denied', 'paid', 'appealed'] as const
export type ClaimStatus = (typeof CLAIM_STATUSES)[number]

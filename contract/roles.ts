// The roles a user or API key can hold, least to most: here, importing nothing, so the dashboard's
// user admin offers exactly the set the server accepts.
export const ROLES = ['viewer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

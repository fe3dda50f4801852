// The whole product's schema in one place. drizzle-kit generates drizzle/*.sql from this file
// (`npm run db:generate`); the migrations are never edited by hand.
//
// Conventions:
// - calendar days are TEXT 'YYYY-MM-DD' (sorts and compares as a date, readable in the sqlite3 CLI);
// - instants are INTEGER milliseconds since the epoch, UTC (8 bytes instead of a 24-byte string,
//   which matters in indexes over a million rows); the API renders them as ISO 8601;
// - money is INTEGER cents;
// - indexes are named for the access path they serve, so `.indexes` reads like documentation.
import { sql } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'

import { CLAIM_STATUSES } from '../../contract/claim-statuses.ts'
import { ROLES } from '../../contract/roles.ts'

export { CLAIM_STATUSES, type ClaimStatus } from '../../contract/claim-statuses.ts'

export { ROLES, type Role } from '../../contract/roles.ts'

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

/** A backup is recorded once it is over: verified (its copy passed integrity_check) or failed. */
export const BACKUP_STATUSES = ['verified', 'failed'] as const
export type BackupStatus = (typeof BACKUP_STATUSES)[number]

/** The dimensions the claims rollup is kept along; see `claimsDaily`. */
export const ROLLUP_DIMENSIONS = ['provider', 'payer', 'denial_reason'] as const
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number]

const nowMs = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`

// ---------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------

export const providers = sqliteTable('providers', {
  id: integer('id').primaryKey(),
  npi: text('npi').notNull(),
  name: text('name').notNull(),
  specialty: text('specialty').notNull(),
  state: text('state').notNull(),
  createdAt: integer('created_at').notNull().default(nowMs),
}, t => [
  uniqueIndex('uq_providers_npi').on(t.npi),
  index('idx_providers_name').on(t.name, t.id),
])

export const claims = sqliteTable('claims', {
  id: integer('id').primaryKey(),
  source: text('source').notNull(),
  sourceId: text('source_id').notNull(),
  providerId: integer('provider_id').notNull().references(() => providers.id),
  payer: text('payer').notNull(),
  patientRef: text('patient_ref').notNull(),
  cptCode: text('cpt_code').notNull(),
  dateOfService: text('date_of_service').notNull(),
  submittedAt: integer('submitted_at').notNull(),
  status: text('status', { enum: CLAIM_STATUSES }).notNull(),
  denialReason: text('denial_reason'),
  billedCents: integer('billed_cents').notNull(),
  paidCents: integer('paid_cents').notNull().default(0),
  createdAt: integer('created_at').notNull().default(nowMs),
  updatedAt: integer('updated_at').notNull().default(nowMs),
}, t => [
  // Ingest is idempotent on the source system's own key.
  uniqueIndex('uq_claims_source').on(t.source, t.sourceId),
  // One index per sort key, each ending in id so that keyset pagination (sortKey, id) is an
  // index range scan and ORDER BY never needs a temporary B-tree.
  index('idx_claims_date').on(t.dateOfService, t.id),
  index('idx_claims_billed').on(t.billedCents, t.id),
  index('idx_claims_submitted').on(t.submittedAt, t.id),
  // The common equality filters, each followed by the default sort.
  index('idx_claims_status_date').on(t.status, t.dateOfService, t.id),
  index('idx_claims_provider_date').on(t.providerId, t.dateOfService, t.id),
  index('idx_claims_payer_date').on(t.payer, t.dateOfService, t.id),
  // A provider's amounts follow its specialty, so its claims bunch at one end of
  // idx_claims_billed: sorting or bounding a provider's claims by amount needs its own index.
  index('idx_claims_provider_billed').on(t.providerId, t.billedCents, t.id),
  // Only denied claims carry a reason: a partial index stays a tenth of the table's size.
  index('idx_claims_denial_date').on(t.denialReason, t.dateOfService, t.id).where(sql`denial_reason IS NOT NULL`),
  check('ck_claims_status', sql`${t.status} IN ('submitted','pending','approved','denied','paid','appealed')`),
  check('ck_claims_amounts', sql`${t.billedCents} >= 0 AND ${t.paidCents} >= 0`),
  check('ck_claims_denial', sql`(${t.status} = 'denied') = (${t.denialReason} IS NOT NULL)`),
])

/**
 * Daily claim totals kept along three dimensions in one table: `dim` names the dimension and
 * `key` its value (a provider id, a payer, a denial reason). Every claim counts once in each
 * dimension (its `denial_reason` row uses '' when it has none), so totals for a day are the sum
 * over any one dimension. About 60 000 rows for two years of claims, against a million claims.
 */
export const claimsDaily = sqliteTable('claims_daily', {
  dim: text('dim', { enum: ROLLUP_DIMENSIONS }).notNull(),
  day: text('day').notNull(),
  key: text('key').notNull(),
  claims: integer('claims').notNull().default(0),
  submitted: integer('submitted').notNull().default(0),
  pending: integer('pending').notNull().default(0),
  approved: integer('approved').notNull().default(0),
  denied: integer('denied').notNull().default(0),
  paid: integer('paid').notNull().default(0),
  appealed: integer('appealed').notNull().default(0),
  billedCents: integer('billed_cents').notNull().default(0),
  paidCents: integer('paid_cents').notNull().default(0),
  deniedCents: integer('denied_cents').notNull().default(0),
  // Bounds of submitted_at over the row's claims, so a list sorted by submission time with a
  // date range walks only the stretch of idx_claims_submitted those days can occupy. Writers
  // only widen them (a claim that moves away leaves them wider: still true bounds); NULL means
  // unknown (rows written before these columns existed) and the planner then uses no bound.
  minSubmittedAt: integer('min_submitted_at'),
  maxSubmittedAt: integer('max_submitted_at'),
}, t => [
  // Serves date ranges along one dimension (metrics by day, week, month, payer, ...), and is the
  // upsert's conflict target. A named unique index rather than a composite primary key, which
  // SQLite would call sqlite_autoindex_claims_daily_1 in every plan.
  uniqueIndex('idx_claims_daily_dim_day_key').on(t.dim, t.day, t.key),
  // Serves one key's history (a provider's totals) and the metrics grouped by provider, payer or
  // denial reason: walked in (key, day) order, GROUP BY key needs no sort, and carrying the sums
  // makes it covering, so a year of 60 providers (22,000 rows) needs no table lookups.
  index('idx_claims_daily_dim_key_day').on(t.dim, t.key, t.day, t.claims, t.submitted, t.pending, t.approved, t.denied,
    t.paid, t.appealed, t.billedCents, t.paidCents, t.deniedCents),
])

// ---------------------------------------------------------------------------------------------
// Health data and supplements
// ---------------------------------------------------------------------------------------------

export const people = sqliteTable('people', {
  id: integer('id').primaryKey(),
  // The source system's pseudonymous id (API: personId). Never a name.
  ref: text('ref').notNull(),
  createdAt: integer('created_at').notNull().default(nowMs),
}, t => [
  uniqueIndex('uq_people_ref').on(t.ref),
])

export const healthDataPoints = sqliteTable('health_data_points', {
  id: integer('id').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  metric: text('metric').notNull(),
  at: integer('at').notNull(),
  value: real('value').notNull(),
  source: text('source').notNull(),
}, t => [
  // The access path of every read (a person's metric over time) and the idempotency key of
  // ingest in one unique index.
  uniqueIndex('idx_health_person_metric_at').on(t.personId, t.metric, t.at, t.source),
  // Retention walks the oldest points first (server/services/retention), whoever they belong to.
  index('idx_health_at').on(t.at),
])

export const healthDaily = sqliteTable('health_daily', {
  personId: integer('person_id').notNull().references(() => people.id),
  metric: text('metric').notNull(),
  day: text('day').notNull(),
  count: integer('count').notNull(),
  sum: real('sum').notNull(),
  min: real('min').notNull(),
  max: real('max').notNull(),
}, t => [
  uniqueIndex('idx_health_daily_person_metric_day').on(t.personId, t.metric, t.day),
])

export const supplements = sqliteTable('supplements', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  defaultUnit: text('default_unit').notNull(),
  description: text('description').notNull().default(''),
})

export const supplementIntakes = sqliteTable('supplement_intakes', {
  id: integer('id').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  supplementId: text('supplement_id').notNull().references(() => supplements.id),
  takenAt: integer('taken_at').notNull(),
  dose: real('dose').notNull(),
  unit: text('unit').notNull(),
}, t => [
  uniqueIndex('idx_intakes_person_supplement_at').on(t.personId, t.supplementId, t.takenAt),
  // Retention walks the oldest intakes first.
  index('idx_intakes_taken_at').on(t.takenAt),
])

// ---------------------------------------------------------------------------------------------
// Correlations and insights
// ---------------------------------------------------------------------------------------------

export const correlations = sqliteTable('correlations', {
  id: integer('id').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  supplementId: text('supplement_id').notNull().references(() => supplements.id),
  metric: text('metric').notNull(),
  lagDays: integer('lag_days').notNull(),
  n: integer('n').notNull(),
  pearsonR: real('pearson_r'),
  spearmanRho: real('spearman_rho'),
  pValue: real('p_value'),
  qValue: real('q_value'),
  ciLow: real('ci_low'),
  ciHigh: real('ci_high'),
  effect: real('effect'),
  computedAt: integer('computed_at').notNull(),
}, t => [
  uniqueIndex('idx_correlations_person_supplement_metric_lag').on(t.personId, t.supplementId, t.metric, t.lagDays),
  index('idx_correlations_q').on(t.qValue),
])

export const insights = sqliteTable('insights', {
  id: integer('id').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  correlationId: integer('correlation_id').notNull().references(() => correlations.id, { onDelete: 'cascade' }),
  text: text('text').notNull(),
  confidence: real('confidence').notNull(),
  createdAt: integer('created_at').notNull(),
}, t => [
  index('idx_insights_person_confidence').on(t.personId, t.confidence),
  index('idx_insights_correlation').on(t.correlationId),
])

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** Systems that send data, and what they last sent. */
export const dataSources = sqliteTable('data_sources', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['claims', 'health', 'supplements'] }).notNull(),
  rowsIngested: integer('rows_ingested').notNull().default(0),
  lastIngestAt: integer('last_ingest_at'),
})

export const jobRuns = sqliteTable('job_runs', {
  id: integer('id').primaryKey(),
  task: text('task').notNull(),
  payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>(),
  status: text('status', { enum: JOB_STATUSES }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(3),
  runAfter: integer('run_after').notNull(),
  queuedAt: integer('queued_at').notNull(),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  durationMs: real('duration_ms'),
  error: text('error'),
  result: text('result', { mode: 'json' }).$type<Record<string, unknown>>(),
}, t => [
  // The worker's poll: the oldest runnable queued job.
  index('idx_jobs_status_run_after').on(t.status, t.runAfter),
  index('idx_jobs_queued_at').on(t.queuedAt),
  // Retention walks the runs that finished longest ago first.
  index('idx_jobs_finished_at').on(t.finishedAt),
  check('ck_jobs_status', sql`${t.status} IN ('queued','running','succeeded','failed')`),
])

// One row per backup taken (server/services/backups). `path` is where the file was written; a
// pruned backup loses its file and its row together. `sha256` is of the file as stored (the
// ciphertext when encrypted), so `sha256sum` on the file compares with it directly.
export const backups = sqliteTable('backups', {
  id: integer('id').primaryKey(),
  // The name identifies a backup wherever the file is copied to (the restore looks it up by it).
  fileName: text('file_name').notNull(),
  path: text('path').notNull(),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at').notNull(),
  sizeBytes: integer('size_bytes'),
  durationMs: integer('duration_ms').notNull(),
  sha256: text('sha256'),
  // 'ok', or what PRAGMA integrity_check reported; null when the copy never got that far.
  integrity: text('integrity'),
  encrypted: integer('encrypted', { mode: 'boolean' }).notNull(),
  status: text('status', { enum: BACKUP_STATUSES }).notNull(),
  error: text('error'),
}, t => [
  // The health check's last verified backup and the pruning of the oldest of each status.
  index('idx_backups_status_finished').on(t.status, t.finishedAt),
  check('ck_backups_status', sql`${t.status} IN ('verified','failed')`),
])

export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  createdAt: integer('created_at').notNull().default(nowMs),
  disabledAt: integer('disabled_at'),
}, t => [
  uniqueIndex('uq_users_email').on(t.email),
  check('ck_users_role', sql`${t.role} IN ('viewer','operator','admin')`),
])

// A signed-in dashboard session. The sealed cookie carries a random token; only its SHA-256 is
// stored (as for API keys), so the table read on its own signs no one in. A session is live while
// its row is neither revoked nor expired: sign-out, disabling the user and a password change
// revoke rows, which a replayed cookie cannot undo.
export const sessions = sqliteTable('sessions', {
  id: integer('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  userId: integer('user_id').notNull().references(() => users.id),
  createdAt: integer('created_at').notNull().default(nowMs),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
}, t => [
  uniqueIndex('uq_sessions_token').on(t.tokenHash),
  // Revoking every session of a user (disable, password change).
  index('idx_sessions_user').on(t.userId),
  // The bounded clean-up of ended sessions at sign-in.
  index('idx_sessions_expires').on(t.expiresAt),
])

export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  // The first characters of the key, kept in clear so operators can tell keys apart.
  prefix: text('prefix').notNull(),
  // SHA-256 of the whole key. Keys are 32 random bytes, so a fast hash is enough: there is no
  // dictionary to try against it (unlike passwords, which use scrypt).
  keyHash: text('key_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  userId: integer('user_id').references(() => users.id),
  createdAt: integer('created_at').notNull().default(nowMs),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
}, t => [
  uniqueIndex('uq_api_keys_hash').on(t.keyHash),
  check('ck_api_keys_role', sql`${t.role} IN ('viewer','operator','admin')`),
])

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
  // 'key:12' or 'user:3': who did it, never a patient.
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
}, t => [
  // GET /admin/audit walks these newest first; the rowid (id) rides at the end of each, so the
  // keyset (at, id) and its ORDER BY are served without a sort.
  index('idx_audit_at').on(t.at),
  index('idx_audit_actor_at').on(t.actor, t.at),
  index('idx_audit_action_at').on(t.action, t.at),
])

export type Provider = typeof providers.$inferSelect
export type Claim = typeof claims.$inferSelect
export type NewClaim = typeof claims.$inferInsert
export type ApiKey = typeof apiKeys.$inferSelect
export type BackupRow = typeof backups.$inferSelect

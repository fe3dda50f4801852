// Every route of the portal as an OpenAPI operation, built from the zod schemas the routes parse
// with (query, path, body) and the response schemas beside the services' output types. A route
// file without an entry here, or an entry without a file, fails tests/e2e/openapi.test.ts.
import { z } from 'zod'
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from 'zod-openapi'
import { AuditQuery } from '../audit/schemas.ts'
import { BackupList } from '../backups/responses.ts'
import { BackupsQuery } from '../backups/schemas.ts'
import { AuditList } from '../audit/responses.ts'
import { ApiKeyList, ApiKey, CreatedApiKey, Session, SignedIn, SignedOut, User, UserList } from '../auth/responses.ts'
import { ChangePasswordBody, CreateKeyBody, CreateUserBody, LoginBody, SetPasswordBody } from '../auth/schemas.ts'
import { CacheInvalidated, CacheStats } from '../cache/responses.ts'
import { InvalidateCacheQuery } from '../cache/schemas.ts'
import { MAX_INGEST_BYTES, MAX_INGEST_ROWS } from '../claims/ingest.ts'
import { Claim, ClaimList, ClaimsMetrics, ClaimWithProvider, DenialPatterns, ProviderList, ProviderWithTotals } from '../claims/responses.ts'
import { ClaimInput, DenialPatternsQuery, ExportClaimsQuery, ListClaimsQuery, MetricsQuery, PatchClaim } from '../claims/schemas.ts'
import { CorrelationList, CorrelationWithPairs, InsightList, JobQueued } from '../correlations/responses.ts'
import { CorrelationsQuery, InsightsQuery, RecomputeBody } from '../correlations/schemas.ts'
import { MAX_INTAKES_BYTES } from '../health/ingest-intakes.ts'
import { MAX_POINTS, MAX_POINTS_BYTES } from '../health/ingest-points.ts'
import { HealthPointList, HealthSummary, PeopleList, SupplementList } from '../health/responses.ts'
import { HealthDataQuery, HealthPointInput, IntakeInput, PeopleQuery, SummaryQuery } from '../health/schemas.ts'
import { Job, JobList } from '../jobs/responses.ts'
import { JobsQuery } from '../jobs/schemas.ts'
import { AlertsReport, HealthReport, IndexReport, Liveness, QueriesReport, Readiness, RoutesReport } from '../monitoring/responses.ts'
import { IndexesQuery, RoutesQuery } from '../monitoring/schemas.ts'
import { ProvidersQuery } from '../providers/schemas.ts'
import { ErrorAnswer, IngestResult } from '../responses.ts'
import { idParam } from '../schemas.ts'

const MiB = 1024 * 1024

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } })

const ERRORS = {
  400: 'Invalid input: `data.issues` names each field (a query parameter the route does not take, too)',
  401: 'No credentials, or a key or session that is not valid',
  403: 'The role is too low (or, with a session cookie, a write from another origin)',
  404: 'No such resource',
  409: 'The change conflicts with the resource\'s state',
  413: 'The body is over the route\'s limit',
  415: 'The body\'s Content-Type is not one the route reads',
  429: 'Rate limited: see `Retry-After`',
  503: 'The database is busy: retry after `Retry-After` seconds',
} as const
type ErrorStatus = keyof typeof ERRORS

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' as const, minimum: 0 } } }

function errors(statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(statuses.map(s => [s, {
    description: ERRORS[s],
    ...(s === 429 || s === 503 ? { headers: RETRY_AFTER } : {}),
    ...(s === 401 ? { headers: { 'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' as const } } } } : {}),
    ...json(ErrorAnswer),
  }]))
}

interface Spec {
  tag: string
  summary: string
  query?: z.ZodObject | z.ZodType
  path?: z.ZodObject
  body?: { description?: string, content: Record<string, z.ZodType> }
  ok: Record<number, { description: string, schema?: z.ZodType, media?: string | string[], headers?: Record<string, { description: string, schema: { type: 'string' | 'integer' } }> }>
  /** Errors beyond those every /api/v1 route can answer (400, 401, 403, 429, 503). */
  errors?: ErrorStatus[]
  /** Outside the credential check: sign-in routes and probes. */
  public?: boolean
}

const API_ERRORS: ErrorStatus[] = [400, 401, 403, 429, 503]

function operation(spec: Spec): ZodOpenApiOperationObject {
  const statuses = [...new Set([...(spec.public ? [400, 503] as ErrorStatus[] : API_ERRORS), ...(spec.errors ?? [])])].sort()
  const ok: ZodOpenApiResponsesObject = Object.fromEntries(Object.entries(spec.ok).map(([status, r]) => [status, {
    description: r.description,
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.schema ? { content: Object.fromEntries([r.media ?? 'application/json'].flat().map(m => [m, { schema: r.schema }])) } : {}),
  }]))
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.query || spec.path ? { requestParams: { ...(spec.query ? { query: spec.query as z.ZodObject } : {}), ...(spec.path ? { path: spec.path } : {}) } } : {}),
    ...(spec.body ? { requestBody: { required: true, description: spec.body.description, content: Object.fromEntries(Object.entries(spec.body.content).map(([m, schema]) => [m, { schema }])) } } : {}),
    responses: { ...errors(statuses), ...ok },
    ...(spec.public ? { security: [] } : {}),
  }
}

const CACHED = {
  'ETag': { description: 'a strong ETag of the body; `If-None-Match` with it answers 304', schema: { type: 'string' as const } },
  'X-Cache': { description: '`HIT`, `MISS` or `STALE`', schema: { type: 'string' as const } },
}
const notModified = { 304: { description: 'Not Modified: the body matches `If-None-Match`' } }

const ingest = (what: string, row: z.ZodType, rows: number, bytes: number, csv: boolean): Spec['body'] => ({
  description: `${what}: a JSON array, NDJSON (one object a line)${csv ? ' or CSV (a header row of the field names; an empty cell is not given)' : ''}; at most ${rows.toLocaleString('en')} rows and ${bytes / MiB} MiB. All or nothing.`,
  content: {
    'application/json': z.array(row).max(rows),
    'application/x-ndjson': z.string().meta({ description: 'one JSON object a line' }),
    ...(csv ? { 'text/csv': z.string().meta({ description: 'a header row with the field names, then one row a claim' }) } : {}),
  },
})

const SPECS: Record<string, Record<string, Spec>> = {
  '/api/auth/login': { post: { tag: 'Sign-in', public: true, summary: 'Sign in with email and password (JSON, or the form post which answers 303)', body: { content: { 'application/json': LoginBody, 'application/x-www-form-urlencoded': LoginBody.extend({ redirect: z.string().optional() }) } }, ok: { 200: { description: 'Signed in: a sealed `nuxt-session` cookie is set', schema: SignedIn }, 303: { description: 'The form post: to `redirect` when it stays on this origin' } }, errors: [401, 403, 413, 415, 429] } },
  '/api/auth/logout': { post: { tag: 'Sign-in', public: true, summary: 'End the session and clear its cookie', ok: { 200: { description: 'Signed out', schema: SignedOut } }, errors: [403] } },
  '/api/auth/password': { post: { tag: 'Sign-in', public: true, summary: 'Change the signed-in user\'s own password (session cookie only); every other session ends', body: { content: { 'application/json': ChangePasswordBody } }, ok: { 200: { description: 'Changed: a new cookie is set', schema: SignedIn } }, errors: [401, 403, 413, 415, 429] } },
  '/api/auth/session': { get: { tag: 'Sign-in', public: true, summary: 'Who is signed in', ok: { 200: { description: 'The session\'s user', schema: Session } }, errors: [401] } },

  '/api/v1/claims': {
    get: { tag: 'Claims', summary: 'List claims (keyset-paged; `status` may repeat)', query: ListClaimsQuery, ok: { 200: { description: 'A page of claims; `Link: <…>; rel="next"` when there is more', schema: ClaimList, headers: { ...CACHED, Link: { description: 'the next page, relative to the host', schema: { type: 'string' } } } }, ...notModified } },
    post: { tag: 'Claims', summary: 'Ingest claims, idempotent on (source, sourceId)', body: ingest('Claims', ClaimInput, MAX_INGEST_ROWS, MAX_INGEST_BYTES, true), ok: { 200: { description: 'What the batch did', schema: IngestResult } }, errors: [413, 415] },
  },
  '/api/v1/claims/{id}': {
    get: { tag: 'Claims', summary: 'One claim with its provider', path: idParam, ok: { 200: { description: 'The claim', schema: ClaimWithProvider, headers: CACHED }, ...notModified }, errors: [404] },
    patch: { tag: 'Claims', summary: 'Change a claim\'s status, denialReason or paidCents', path: idParam, body: { content: { 'application/json': PatchClaim } }, ok: { 200: { description: 'The claim as it is now', schema: ClaimWithProvider } }, errors: [404, 409, 413, 415] },
  },
  '/api/v1/claims/export': { get: { tag: 'Claims', summary: 'Every claim matching the list\'s filters, streamed as CSV (RFC 4180; a cell starting with = + - @ gets a leading \') or NDJSON, as an attachment', query: ExportClaimsQuery, ok: { 200: { description: 'The claims, in the list\'s order: `text/csv` for format=csv, `application/x-ndjson` for format=ndjson', schema: z.string(), media: ['text/csv', 'application/x-ndjson'], headers: { 'Content-Disposition': { description: '`attachment; filename="claims-YYYY-MM-DD.csv"` (or `.ndjson`)', schema: { type: 'string' } } } } } } },
  '/api/v1/claims/metrics': { get: { tag: 'Claims', summary: 'Totals and a series grouped by day, week, month, provider, payer or denial reason', query: MetricsQuery, ok: { 200: { description: 'Totals and series', schema: ClaimsMetrics, headers: CACHED }, ...notModified } } },
  '/api/v1/claims/denial-patterns': { get: { tag: 'Claims', summary: 'Recurring (denialReason, provider, payer) combinations with their trend', query: DenialPatternsQuery, ok: { 200: { description: 'The patterns', schema: DenialPatterns, headers: CACHED }, ...notModified } } },
  '/api/v1/providers': { get: { tag: 'Claims', summary: 'List providers, by name', query: ProvidersQuery, ok: { 200: { description: 'A page of providers', schema: ProviderList, headers: CACHED }, ...notModified } } },
  '/api/v1/providers/{id}': { get: { tag: 'Claims', summary: 'One provider with its claim totals over all time', path: idParam, ok: { 200: { description: 'The provider', schema: ProviderWithTotals, headers: CACHED }, ...notModified }, errors: [404] } },

  '/api/v1/people': { get: { tag: 'Health data', summary: 'People with data: first and last day, metrics and supplements', query: PeopleQuery, ok: { 200: { description: 'A page of people', schema: PeopleList } } } },
  '/api/v1/health-data': {
    get: { tag: 'Health data', summary: 'A person\'s raw points', query: HealthDataQuery, ok: { 200: { description: 'A page of points', schema: HealthPointList } }, errors: [404] },
    post: { tag: 'Health data', summary: 'Ingest points, idempotent on (personId, metric, at, source)', body: ingest('Health data points', HealthPointInput, MAX_POINTS, MAX_POINTS_BYTES, false), ok: { 200: { description: 'What the batch did', schema: IngestResult } }, errors: [413, 415] },
  },
  '/api/v1/health-data/summary': { get: { tag: 'Health data', summary: 'A metric per day, week or month from the daily rollups', query: SummaryQuery, ok: { 200: { description: 'The buckets', schema: HealthSummary } }, errors: [404] } },
  '/api/v1/supplements': { get: { tag: 'Health data', summary: 'The supplement catalogue (not paged)', ok: { 200: { description: 'Every supplement', schema: SupplementList } } } },
  '/api/v1/supplement-intakes': { post: { tag: 'Health data', summary: 'Ingest intakes, idempotent on (personId, supplementId, takenAt)', body: ingest('Intakes', IntakeInput, MAX_POINTS, MAX_INTAKES_BYTES, false), ok: { 200: { description: 'What the batch did', schema: IngestResult } }, errors: [413, 415] } },

  '/api/v1/correlations': { get: { tag: 'Correlations', summary: 'Correlations between supplements and metrics, by id', query: CorrelationsQuery, ok: { 200: { description: 'A page of correlations', schema: CorrelationList } } } },
  '/api/v1/correlations/{id}': { get: { tag: 'Correlations', summary: 'One correlation with the pairs it rests on', path: idParam, ok: { 200: { description: 'The correlation', schema: CorrelationWithPairs } }, errors: [404] } },
  '/api/v1/correlations/recompute': { post: { tag: 'Correlations', summary: 'Queue a recompute for everyone (`{}`) or one person', body: { content: { 'application/json': RecomputeBody } }, ok: { 202: { description: 'Queued (or the identical job still queued)', schema: JobQueued, headers: { Location: { description: '`/api/v1/jobs/:id`', schema: { type: 'string' } } } } }, errors: [404, 413] } },
  '/api/v1/insights': { get: { tag: 'Correlations', summary: 'Plain-language findings for a person, most confident first', query: InsightsQuery, ok: { 200: { description: 'A page of insights', schema: InsightList } } } },
  '/api/v1/jobs/{id}': { get: { tag: 'Correlations', summary: 'A job\'s state (payload and result only for admins)', path: idParam, ok: { 200: { description: 'The job', schema: Job } }, errors: [404] } },

  '/api/v1/admin/health': { get: { tag: 'Administration', summary: 'Health checks and the overall status', ok: { 200: { description: 'The report', schema: HealthReport } } } },
  '/api/v1/admin/alerts': { get: { tag: 'Administration', summary: 'Alert rules, what fires and the history', ok: { 200: { description: 'The alerts', schema: AlertsReport } } } },
  '/api/v1/admin/backup': { post: { tag: 'Administration', summary: 'An online backup now, as a `db.backup` job (no body): follow `Location` for its result `{ path, sizeBytes, durationMs, sha256, integrity, ... }`', ok: { 202: { description: 'Queued (or the backup still queued)', schema: JobQueued, headers: { Location: { description: '`/api/v1/jobs/:id`', schema: { type: 'string' } } } } } } },
  '/api/v1/admin/backups': { get: { tag: 'Administration', summary: 'Backups made (verified and failed), newest first', query: BackupsQuery, ok: { 200: { description: 'A page of backups', schema: BackupList } } } },
  '/api/v1/admin/audit': { get: { tag: 'Administration', summary: 'The audit log, newest first', query: AuditQuery, ok: { 200: { description: 'A page of entries', schema: AuditList } } } },
  '/api/v1/admin/cache': { delete: { tag: 'Administration', summary: 'Drop cached answers (one namespace or all), in every process', query: InvalidateCacheQuery, ok: { 200: { description: 'What was dropped', schema: CacheInvalidated } } } },
  '/api/v1/admin/cache/stats': { get: { tag: 'Administration', summary: 'Cache counters, overall and per namespace', ok: { 200: { description: 'The counters', schema: CacheStats } } } },
  '/api/v1/admin/indexes': { get: { tag: 'Administration', summary: 'Tables and indexes, which queries use them, unused and duplicate indexes, full scans', query: IndexesQuery, ok: { 200: { description: 'The report', schema: IndexReport } } } },
  '/api/v1/admin/jobs': { get: { tag: 'Administration', summary: 'Job runs, newest first, whole rows', query: JobsQuery, ok: { 200: { description: 'A page of jobs', schema: JobList } } } },
  '/api/v1/admin/queries': { get: { tag: 'Administration', summary: 'Every catalogued query with its statistics and plan; the slow-query log', ok: { 200: { description: 'The report', schema: QueriesReport } } } },
  '/api/v1/admin/routes': { get: { tag: 'Administration', summary: 'Per-route request statistics for a window; the slow-request log', query: RoutesQuery, ok: { 200: { description: 'The report', schema: RoutesReport } } } },
  '/api/v1/admin/keys': {
    get: { tag: 'Administration', summary: 'API keys (without their hash), active first then newest', ok: { 200: { description: 'The keys', schema: ApiKeyList } } },
    post: { tag: 'Administration', summary: 'Create an API key; the key is shown this once', body: { content: { 'application/json': CreateKeyBody } }, ok: { 201: { description: 'Created', schema: CreatedApiKey } }, errors: [413, 415] },
  },
  '/api/v1/admin/keys/{id}': { delete: { tag: 'Administration', summary: 'Revoke a key at once', path: idParam, ok: { 200: { description: 'The revoked key', schema: ApiKey } }, errors: [404, 409] } },
  '/api/v1/admin/users': {
    get: { tag: 'Administration', summary: 'Dashboard users, by email', ok: { 200: { description: 'The users', schema: UserList } } },
    post: { tag: 'Administration', summary: 'Create a user', body: { content: { 'application/json': CreateUserBody } }, ok: { 201: { description: 'Created', schema: User } }, errors: [409, 413, 415] },
  },
  '/api/v1/admin/users/{id}': { delete: { tag: 'Administration', summary: 'Disable a user and end their sessions', path: idParam, ok: { 200: { description: 'The disabled user', schema: User } }, errors: [404, 409] } },
  '/api/v1/admin/users/{id}/password': { put: { tag: 'Administration', summary: 'Set a user\'s password; their sessions end', path: idParam, body: { content: { 'application/json': SetPasswordBody } }, ok: { 200: { description: 'The user', schema: User } }, errors: [404, 409, 413, 415] } },
  '/api/v1/openapi.json': { get: { tag: 'Contract', summary: 'This document (OpenAPI 3.1)', ok: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } } } },

  '/healthz': { get: { tag: 'Probes', public: true, summary: 'Liveness: the process answers', ok: { 200: { description: 'Up', schema: Liveness } } } },
  '/readyz': { get: { tag: 'Probes', public: true, summary: 'Readiness: the database is open and migrated', ok: { 200: { description: 'Ready', schema: Readiness }, 503: { description: 'Not ready', schema: Readiness } } } },
  '/metrics': { get: { tag: 'Probes', summary: 'Prometheus text format (admin)', ok: { 200: { description: 'The metrics', schema: z.string(), media: 'text/plain' } } } },
}

export const PATHS: ZodOpenApiPathsObject = Object.fromEntries(Object.entries(SPECS).map(([path, methods]) =>
  [path, Object.fromEntries(Object.entries(methods).map(([method, spec]) => [method, operation(spec)]))]))

export const TAGS = [
  { name: 'Claims', description: 'Claims, their metrics and denial patterns, providers' },
  { name: 'Health data', description: 'People, health data points, supplements and intakes' },
  { name: 'Correlations', description: 'Supplement × metric correlations, insights, and the jobs that compute them' },
  { name: 'Administration', description: 'Operations, keys and users (admin role)' },
  { name: 'Sign-in', description: 'The dashboard\'s session (outside /api/v1, no credentials)' },
  { name: 'Probes', description: 'Liveness, readiness (no credentials) and Prometheus metrics (admin)' },
  { name: 'Contract', description: 'This document' },
]

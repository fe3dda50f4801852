// Where the whole stack's extra time goes: the steps a cached GET /api/v1/claims/metrics takes
// that the bare Nitro route does not, each timed alone in the bench process on the bench database
// (the same services the server runs, called directly).
import { verifyApiKey } from '../../../server/services/auth/api-keys.ts'
import { cached, configureCache } from '../../../server/services/cache/index.ts'
import { MetricsQuery } from '../../../server/services/claims/schemas.ts'
import type { BenchContext } from '../lib/context.ts'
import { addDays } from '../lib/mix.ts'
import { compareLoops } from '../lib/stats.ts'

export interface Piece {
  label: string
  ms: number
}

export async function stackPieces(ctx: BenchContext): Promise<Piece[]> {
  ctx.connection()
  const raw = { groupBy: 'month', from: addDays(ctx.facts.lastDay, -364), to: ctx.facts.lastDay }
  const query = MetricsQuery.parse(raw)
  // This process's own cache (empty until now): one entry, then every lookup a HIT. A HIT awaits
  // nothing, so the synchronous loop below times all of its work.
  await configureCache({})
  await cached('claims:metrics', query, () => ({ data: [] }))
  if (!verifyApiKey(ctx.adminKey)) throw new Error('the bench admin key is not valid on the bench database')
  const labels = [
    'auth: verifyApiKey (SHA-256 of the key, memo of verified keys; api_keys read once per KEY_MEMO_MS)',
    'validation: MetricsQuery.safeParse of the query',
    'cache: cached() HIT (input hash, LRU lookup)',
  ]
  const ms = compareLoops([
    () => verifyApiKey(ctx.adminKey),
    () => MetricsQuery.safeParse(raw),
    () => cached('claims:metrics', { ...query }, () => ({ data: [] })),
  ], { targetMs: 10, rounds: 11 })
  return labels.map((label, i) => ({ label, ms: ms[i]! }))
}

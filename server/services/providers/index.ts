// Providers: the list (by name, keyset-paged) and one provider with its claim totals, which come
// from the claims rollup rather than from a million claims rows.
import { defineQuery } from '../query/index.ts'
import { decodeCursor, keysetPage } from '../pagination.ts'
import type { Provider, ProviderTotals } from '../claims/responses.ts'

export type ProviderRow = Provider
export type { ProviderTotals }

const COLUMNS = 'id, npi, name, specialty, state'

const firstPage = defineQuery<{ limit: number }, ProviderRow>('providers.list',
  `SELECT ${COLUMNS} FROM providers ORDER BY name, id LIMIT @limit`)

const afterCursor = defineQuery<{ limit: number, name: string, id: number }, ProviderRow>('providers.list.after',
  `SELECT ${COLUMNS} FROM providers WHERE (name, id) > (@name, @id) ORDER BY name, id LIMIT @limit`)

const count = defineQuery<Record<string, never>, { total: number }>('providers.count',
  'SELECT count(*) AS total FROM providers')

const byId = defineQuery<{ id: number }, ProviderRow>('providers.byId',
  `SELECT ${COLUMNS} FROM providers WHERE id = @id`)

const totals = defineQuery<{ key: string }, Omit<ProviderTotals, 'denialRate'>>('providers.totals',
  `SELECT coalesce(sum(claims), 0) AS claims, coalesce(sum(denied), 0) AS denied,
     coalesce(sum(billed_cents), 0) AS billedCents, coalesce(sum(paid_cents), 0) AS paidCents,
     coalesce(sum(denied_cents), 0) AS deniedCents, min(day) AS firstDay, max(day) AS lastDay
   FROM claims_daily WHERE dim = 'provider' AND key = @key`)

export interface ListProvidersInput {
  limit: number
  cursor?: string
  count?: boolean
}

export function listProviders(input: ListProvidersInput) {
  const rows = input.cursor
    ? afterCursor.all({ limit: input.limit + 1, ...cursorFields(input.cursor) })
    : firstPage.all({ limit: input.limit + 1 })
  const result = keysetPage(rows, input.limit, row => [row.name, row.id])
  if (input.count) result.page.total = count.get({})!.total
  return result
}

function cursorFields(cursor: string): { name: string, id: number } {
  const [name, id] = decodeCursor(cursor, ['string', 'number'] as const)
  return { name, id }
}

export function getProvider(id: number): (ProviderRow & { totals: ProviderTotals }) | undefined {
  const provider = byId.get({ id })
  if (!provider) return undefined
  const t = totals.get({ key: String(id) })!
  return { ...provider, totals: { ...t, denialRate: t.claims === 0 ? 0 : t.denied / t.claims } }
}

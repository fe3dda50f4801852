import { z } from 'zod'
import { listProviders } from '../../../services/providers/index.ts'
import { pagination } from '../../../services/schemas.ts'

const Query = z.object(pagination)

export default defineEventHandler((event) => {
  const query = parseQuery(event, Query)
  return respondCached(event, 'providers:list', query, () => withCursor(() => listProviders(query)))
})

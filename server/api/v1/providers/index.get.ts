import { listProviders } from '../../../services/providers/index.ts'
import { ProvidersQuery } from '../../../services/providers/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, ProvidersQuery)
  return respondCached(event, 'providers:list', query, () => listProviders(query))
})

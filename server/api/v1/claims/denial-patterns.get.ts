import { denialPatterns } from '../../../services/claims/denial-patterns.ts'
import { DenialPatternsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, DenialPatternsQuery)
  return respondCached(event, 'claims:denial-patterns', query, () => denialPatterns(query))
})

import { denialPatterns } from '../../../services/claims/denial-patterns.ts'
import { DenialPatternsQuery } from '../../../services/claims/schemas.ts'

export default defineEventHandler(event => denialPatterns(parseQuery(event, DenialPatternsQuery)))

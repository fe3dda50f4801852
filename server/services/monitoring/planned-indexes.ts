// The indexes the planners name (INDEXED BY), as the operations layer reports them. The modules
// that name them declare them when loaded (expectIndexes, hintedQuery); the server loads routes
// lazily, so they are loaded here, and the index inspector and /admin/health know every one
// before the first request that plans with it.
import '../claims/planner.ts'
import '../claims/metrics.ts'
import '../claims/denial-patterns.ts'
import '../correlations/read.ts'

export { expectedIndexes, missingIndexes } from '../query/index-presence.ts'

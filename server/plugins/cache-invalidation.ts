// Background writes (a finished correlation recompute) drop what they made stale from the response
// cache. Writes made by requests invalidate before answering (server/utils/cache.ts), so only
// changes that no request waits for come through here.
import { HEALTH_DATA, invalidate } from '../services/cache/index.ts'
import { onDataChange } from '../services/health/changes.ts'

export default defineNitroPlugin(() => {
  onDataChange((change) => {
    if (change.kind !== 'correlations') return
    invalidate(HEALTH_DATA.correlations).catch(error => console.warn(`[cache] invalidating correlations failed: ${(error as Error).message}`))
  })
})

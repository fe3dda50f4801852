// The response cache: an in-process LRU bounded in entries and bytes, or a shared Redis when
// NUXT_CACHE_REDIS_URL is set (with the LRU standing in while Redis is unreachable).
import { closeCache, configureCache } from '../services/cache/index.ts'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  const redisUrl = String(config.cacheRedisUrl || '')
  configureCache({
    redisUrl: redisUrl || undefined,
    prefix: String(config.cachePrefix || 'portal'),
    maxEntries: Number(config.cacheMaxEntries),
    maxBytes: Number(config.cacheMaxBytes),
  }).catch(error => console.warn(`[cache] ${(error as Error).message}`))
  if (redisUrl) console.info(`[cache] shared Redis cache (prefix ${config.cachePrefix || 'portal'})`)
  nitroApp.hooks.hook('close', () => closeCache())
})

import { cacheStats } from '../../../../services/cache/index.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return cacheStats()
})

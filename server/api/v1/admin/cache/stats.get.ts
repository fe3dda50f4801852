import { cacheStats } from '../../../../services/cache/index.ts'

export default defineEventHandler(() => cacheStats())

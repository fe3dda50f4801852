import { listSupplements } from '../../../services/health/supplements.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return listSupplements()
})

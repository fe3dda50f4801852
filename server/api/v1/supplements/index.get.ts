import { listSupplements } from '../../../services/health/supplements.ts'

export default defineEventHandler(() => listSupplements())

import { healthReport } from '../../../services/monitoring/health.ts'

export default defineEventHandler(() => healthReport())

import { queriesReport } from '../../../services/monitoring/reports.ts'

export default defineEventHandler(() => queriesReport())

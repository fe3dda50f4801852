import { alerts } from '../../../services/monitoring/alerts.ts'

export default defineEventHandler(() => alerts().report())

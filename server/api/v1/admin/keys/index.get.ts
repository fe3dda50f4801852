import { listApiKeys } from '../../../../services/auth/api-keys.ts'

export default defineEventHandler(() => ({ data: listApiKeys() }))

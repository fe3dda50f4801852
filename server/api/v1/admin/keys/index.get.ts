import { listApiKeys } from '../../../../services/auth/api-keys.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return { data: listApiKeys() }
})

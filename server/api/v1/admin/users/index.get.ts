import { listUsers } from '../../../../services/auth/users.ts'

export default defineEventHandler((event) => {
  parseNoQuery(event)
  return { data: listUsers() }
})

import { listUsers } from '../../../../services/auth/users.ts'

export default defineEventHandler(() => ({ data: listUsers() }))

// Creates a dashboard user (an operator, a viewer or another admin); 409 when the email is taken.
import { CreateUserBody } from '../../../../services/auth/schemas.ts'
import { insertUser } from '../../../../services/auth/users.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireMediaType(event, ['application/json'])
  const body = parseInput(CreateUserBody, await readJsonBody(event))
  const user = insertUser({ email: body.email, role: body.role, passwordHash: await hashPassword(body.password) })
  if (!user) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: `A user with the email ${body.email} already exists` })
  audit(event, 'users.create', `user:${user.id}`, { role: user.role })
  setResponseStatus(event, 201, 'Created')
  return user
})

// Creates a dashboard user (an operator, a viewer or another admin); 409 when the email is taken.
import { CreateUserBody } from '../../../../services/auth/schemas.ts'
import { insertUser } from '../../../../services/auth/users.ts'
import { conflict } from '../../../../services/errors.ts'
import { writeTransaction } from '../../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireMediaType(event, ['application/json'])
  const body = parseInput(CreateUserBody, await readJsonBody(event))
  const passwordHash = await hashPassword(body.password)
  const user = await writeTransaction(() =>
    insertUser({ email: body.email, role: body.role, passwordHash }, auditAs(event, 'users.create', u => ({ target: `user:${u.id}`, detail: { role: u.role } }))))
  if (!user) throw conflict(`A user with the email ${body.email} already exists`)
  setResponseStatus(event, 201, 'Created')
  return user
})

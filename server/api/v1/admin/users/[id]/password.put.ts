// An admin sets another user's password (a forgotten one, a handover): every session of that user
// ends. Admins change their own with POST /api/auth/password, which asks for the current one.
import { SetPasswordBody } from '../../../../../services/auth/schemas.ts'
import { setPasswordHash } from '../../../../../services/auth/users.ts'
import { idParam } from '../../../../../services/schemas.ts'
import { conflict, notFound } from '../../../../../services/errors.ts'
import { writeTransaction } from '../../../../../services/query/index.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  requireMediaType(event, ['application/json'])
  const body = parseInput(SetPasswordBody, await readJsonBody(event))
  const self = event.context.auth
  if (self?.kind === 'user' && self.id === id) {
    throw conflict('Change your own password with POST /api/auth/password (it asks for the current one)')
  }
  const passwordHash = await hashPassword(body.password)
  const audit = auditAs(event, 'users.password', () => ({ target: `user:${id}` }))
  const result = await writeTransaction(() => setPasswordHash(id, passwordHash, Date.now(), audit))
  if (!result.ok) {
    throw result.reason === 'not-found' ? notFound(`No user with id ${id}`) : conflict('This user is disabled')
  }
  return result.user
})

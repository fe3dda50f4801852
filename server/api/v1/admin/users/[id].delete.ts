// Revokes a user: disables it and ends all its sessions at once (server-side rows revoked in the same transaction).
import { disableUser } from '../../../../services/auth/users.ts'
import { idParam } from '../../../../services/schemas.ts'
import { conflict, notFound } from '../../../../services/errors.ts'
import { writeTransaction } from '../../../../services/query/index.ts'

const CONFLICTS = {
  'already-disabled': 'This user is already disabled',
  'last-admin': 'This is the last active admin; create another admin first',
} as const

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const { id } = parseParams(event, idParam)
  const self = event.context.auth
  if (self?.kind === 'user' && self.id === id) {
    throw conflict('You cannot disable your own account')
  }
  const audit = auditAs(event, 'users.disable', () => ({ target: `user:${id}` }))
  const result = await writeTransaction(() => disableUser(id, Date.now(), audit))
  if (!result.ok) {
    throw result.reason === 'not-found' ? notFound(`No user with id ${id}`) : conflict(CONFLICTS[result.reason])
  }
  return result.user
})

// Who is signed in: the user as the database has it now, or 401.
import { activeUser } from '../../services/auth/users.ts'

export default defineEventHandler(async (event) => {
  const session = await getUserSession(event)
  const id = (session.user as { id?: unknown } | undefined)?.id
  const user = typeof id === 'number' ? activeUser(id) : undefined
  if (!user) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Not signed in' })
  return { user: { id: user.id, email: user.email, role: user.role }, loggedInAt: session.loggedInAt ?? null }
})

// Who is signed in: the user as the database has it now, or 401.
import { userOfSession } from '../../services/auth/users.ts'

export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  const session = await getUserSession(event)
  const user = userOfSession(session)
  if (!user) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Not signed in' })
  return { user: { id: user.id, email: user.email, role: user.role }, loggedInAt: session.loggedInAt ?? null }
})

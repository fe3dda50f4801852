// Sign-out: ends the session on the server (a copy of the cookie is refused from now on) and
// clears the cookie. 200 whether or not a session existed; 403 from another site.
export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  requireSameOrigin(event, 'Sign-out must come from the portal\'s own pages')
  // The session plugin's `clear` hook revokes the server-side row (server/plugins/users.ts).
  await clearUserSession(event)
  return { loggedOut: true }
})

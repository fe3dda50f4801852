// Sign-out: clears the session cookie. Answers 200 whether or not a session existed.
export default defineEventHandler(async (event) => {
  parseNoQuery(event)
  await clearUserSession(event)
  return { loggedOut: true }
})

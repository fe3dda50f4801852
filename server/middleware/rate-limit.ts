// Rate limit (after auth.ts, which counts the requests it refuses itself): per API key or signed-in user, else per client address.
export default defineEventHandler(async (event) => {
  // The principal is set only where credentials are needed (/api/v1, /metrics): pages, sign-in and
  // the session route count against the address.
  await countRequest(event, event.context.auth)
})

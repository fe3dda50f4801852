// Pages need a signed-in user; /admin pages need the admin role. The API checks the same again
// for every request, so this only decides what to show.
import { landingAfterSignIn, needsAdmin } from '~/utils/redirect'

export default defineNuxtRouteMiddleware((to) => {
  // An /api path that reached the pages is an API route that does not exist: a 404, not a sign-in.
  if (to.path === '/api' || to.path.startsWith('/api/')) {
    return abortNavigation(createError({ statusCode: 404, statusMessage: 'Not Found', message: `No API route ${to.path}` }))
  }
  // No page at this path (the catch-all pages/[...unmatched].vue): a 404, signed in or not (a
  // sign-in would not help).
  if (to.matched.length === 0 || to.meta.unmatched) return
  const { loggedIn, user } = useUserSession()
  const role = (user.value as { role?: string } | null)?.role
  if (to.path === '/login') {
    return loggedIn.value ? navigateTo(landingAfterSignIn(to.query.redirect, role)) : undefined
  }
  if (!loggedIn.value) {
    return navigateTo({ path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } })
  }
  if (needsAdmin(to.path) && role !== 'admin') {
    return abortNavigation(createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'The operations pages need the admin role.' }))
  }
})

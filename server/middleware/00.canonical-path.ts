// Canonical paths only: a path the router would read differently from how it is spelt (percent-encoding, dot segments, doubled or trailing slashes, ';' parameters) is a 400 before auth or routing sees it.
import { pathProblem, targetPath } from '../services/auth/canonical-path.ts'

export default defineEventHandler((event) => {
  // The target as the client sent it: h3 has already decoded event.path.
  const problem = pathProblem(targetPath(event.node.req.originalUrl || event.node.req.url || '/'))
  if (!problem) return
  // Answered here, as JSON whatever the path looks like: thrown, a path that decodes to a page's
  // would get Nuxt's HTML error page, and the refusal would look like any other 400.
  const issues = [{ path: 'path', message: `The request path ${problem}` }]
  setResponseStatus(event, 400, 'Bad Request')
  return { statusCode: 400, statusMessage: 'Bad Request', message: `Invalid request path: ${issues[0]!.message}`, data: { issues } }
})

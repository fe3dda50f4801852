import type { Principal } from './services/auth/api-keys.ts'
import type { RequestMeasure } from './services/monitoring/request-context.ts'

declare module 'h3' {
  interface H3EventContext {
    /** Who is calling; set by server/middleware/auth.ts for every route that needs credentials. */
    auth?: Principal
    /** The request's id (X-Request-Id); set by server/middleware/00.request-id.ts on /api. */
    requestId?: string
    /** Timings of this request; set by server/plugins/measurements.ts unless measurements are off. */
    measure?: RequestMeasure
  }
}

export {}

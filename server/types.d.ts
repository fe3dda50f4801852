import type { Principal } from './services/auth/api-keys.ts'

declare module 'h3' {
  interface H3EventContext {
    /** Who is calling; set by server/middleware/auth.ts for every route that needs credentials. */
    auth?: Principal
  }
}

export {}

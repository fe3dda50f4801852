// The handlers Nitro registers in its router, generated at build (nitropack's rollup virtual
// module): server/plugins/methods.ts derives HEAD and Allow from them.
declare module '#nitro-internal-virtual/server-handlers' {
  export const handlers: { route: string, handler: unknown, lazy: boolean, middleware: boolean, method?: string }[]
}

// Nitro's runtime polyfills, imported first by a server entry (server/entry.ts).
declare module '#nitro-internal-pollyfills' {}

// HSTS only over TLS (or https at a trusted proxy, see server/utils/client-address.ts): browsers
// ignore it over http, and a plain-http install (a LAN, the tests) must not claim https. Set in
// the request hook so that every answer has it, static assets and errors included. One year,
// this host only: subdomains of a self-hosted portal may be other people's plain-http services.
export const HSTS = 'max-age=31536000'

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event) => {
    if (servedOverTls(event)) event.node.res.setHeader('Strict-Transport-Security', HSTS)
  })
})

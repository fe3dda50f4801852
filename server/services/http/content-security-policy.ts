// The two Content-Security-Policies the portal sends (nuxt.config.ts hands them to nuxt-security).
// Pages run Nuxt's scripts and chart.js only: each page response carries a fresh nonce that
// nuxt-security writes into the policy and into every <script> and <link> Nuxt renders, and
// 'strict-dynamic' lets those scripts load the app's chunks. Nothing needs 'unsafe-eval'.

/** For pages. `{{nonce}}` is replaced per response by nuxt-security. */
export const PAGE_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'", "'strict-dynamic'", "'nonce-{{nonce}}'"],
  'script-src-attr': ["'none'"],
  // Vue renders style="" attributes on the server (chart placeholders keep their size): a nonce
  // here would make browsers ignore 'unsafe-inline' and drop them. Styles cannot run code.
  'style-src': ["'self'", "'unsafe-inline'"],
  // Over plain http (a LAN install, the tests) this would send every asset to https and break the
  // page; over TLS, Strict-Transport-Security already keeps the browser on https.
  'upgrade-insecure-requests': false,
}

/** For everything else (API answers, errors, /metrics, assets): nothing to run, never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'"

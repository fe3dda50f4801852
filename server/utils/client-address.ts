// Who is on the other end: the client's address and whether it reached us over TLS. Behind a
// reverse proxy the socket is the proxy, so NUXT_TRUST_PROXY=true believes the proxy's
// X-Forwarded-For (its last entry: the address the proxy itself saw) and X-Forwarded-Proto.
// Off by default: without a proxy that overwrites them, any client could set these headers and
// pick its own rate-limit bucket, or claim https.
import type { H3Event } from 'h3'

function trustsProxy(): boolean {
  return useRuntimeConfig().trustProxy === true
}

export function clientAddress(event: H3Event): string {
  if (trustsProxy()) {
    const forwarded = event.node.req.headers['x-forwarded-for']
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',').map(s => s.trim()).filter(Boolean).pop()
    if (last) return last
  }
  return event.node.req.socket?.remoteAddress || 'unknown'
}

export function servedOverTls(event: H3Event): boolean {
  if ((event.node.req.socket as { encrypted?: boolean } | undefined)?.encrypted) return true
  if (!trustsProxy()) return false
  const proto = event.node.req.headers['x-forwarded-proto']
  return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https'
}

/** A request Nitro makes to itself (SSR's useFetch through localFetch): its page was already counted and checked. */
export function isInternalRequest(event: H3Event): boolean {
  return '__unenv__' in event.node.req
}

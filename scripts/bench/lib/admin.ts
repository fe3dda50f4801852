// The few admin and priming calls the cache scenarios make against a running portal.
import type { CacheCounts } from './cache-tally.ts'

function authorised(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` }
}

export async function cacheCounts(origin: string, key: string): Promise<CacheCounts> {
  const res = await fetch(`${origin}/api/v1/admin/cache/stats`, { headers: authorised(key) })
  if (!res.ok) throw new Error(`GET /api/v1/admin/cache/stats answered ${res.status}`)
  return await res.json() as CacheCounts
}

/** DELETE /api/v1/admin/cache: the next request of every question is a miss. */
export async function clearCache(origin: string, key: string): Promise<void> {
  const res = await fetch(`${origin}/api/v1/admin/cache`, { method: 'DELETE', headers: authorised(key) })
  if (!res.ok) throw new Error(`DELETE /api/v1/admin/cache answered ${res.status}`)
}

export interface Answer {
  status: number
  xCache: string | null
  contentType: string
  body: string
}

export async function getAnswer(origin: string, path: string, key?: string): Promise<Answer> {
  const res = await fetch(origin + path, { headers: key ? authorised(key) : {} })
  return { status: res.status, xCache: res.headers.get('x-cache'), contentType: res.headers.get('content-type') ?? '', body: await res.text() }
}

/** Asks a cacheable path until it is answered from the cache; the answer of that HIT. */
export async function primeCached(origin: string, path: string, key: string): Promise<Answer> {
  for (let i = 0; i < 3; i++) {
    const answer = await getAnswer(origin, path, key)
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`)
    if (answer.xCache === 'HIT') return answer
  }
  throw new Error(`GET ${path} was never answered from the cache (X-Cache never HIT)`)
}

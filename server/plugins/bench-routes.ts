// Benchmark fixture, absent in normal operation. Only with NUXT_BENCH_ROUTES=true does it add
// GET /_bench/static, which answers fixed bytes read once at start from the JSON file named by
// NUXT_BENCH_STATIC_FILE (`{ "contentType": "...", "body": "..." }`). `npm run bench` (the
// cache-stack scenario) compares a cached API answer through the whole stack with this route
// serving the same bytes: what Nitro itself costs, with none of our middleware or services in the
// way. Registered here rather than as a file under server/routes so that without the flag the
// route does not exist at all (the request falls through to the app's 404).
import { readFileSync } from 'node:fs'

const BENCH_STATIC_PATH = '/_bench/static'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  if (String(config.benchRoutes) !== 'true') return
  const file = String(config.benchStaticFile || '')
  let fixture: { contentType: string, body: string }
  try {
    fixture = JSON.parse(readFileSync(file, 'utf8')) as { contentType: string, body: string }
  }
  catch (error) {
    console.error(`[bench] NUXT_BENCH_ROUTES is on but NUXT_BENCH_STATIC_FILE (${file || 'unset'}) cannot be read: ${(error as Error).message}`)
    return
  }
  const { contentType, body } = fixture
  console.warn(`[bench] benchmark fixture ${BENCH_STATIC_PATH} is on (NUXT_BENCH_ROUTES=true): never in production`)
  nitroApp.router.get(BENCH_STATIC_PATH, defineEventHandler((event) => {
    setResponseHeader(event, 'Content-Type', contentType)
    return body
  }))
})

// `npm run load [-- --connections 256 --duration 60 --warmup 5 --rate 2 --greedy 48]`: the portal under its whole
// traffic (portal-mix.ts) on a fresh database with the demo data, served by the freshly built
// server with the rate limits it ships with, driven by the bench's autocannon worker. Each
// connection has its own operator key and stays under the key's limit, except a greedy client
// (a few connections on one key) whose 429s are the intended ones. Prints the answers per route
// and exits 1 on any error: a socket error, a timeout, a 5xx, any other 4xx, a 429 for a client
// under its limit, or a 429 without Retry-After.
import { parseArgs } from 'node:util'
import { ensureBuilt } from '../lib/build.ts'
import { runLoad } from './lib/load.ts'
import { detectPinning, pinSelf } from './lib/machine.ts'
import { answerCount, connectionRateUnderLimit, loadProblems, reportVerdict, socketErrors, preparePortalDatabase, routeTable, startLoadPortal } from './lib/portal-run.ts'

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '256' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    // Requests a second per connection: a dashboard left open, or an integration's steady calls.
    // 256 of them offer about half of what one core serves of this mix; `--rate 15` (three
    // quarters of a key's limit) offers about four times it, a stress run rather than a load run.
    rate: { type: 'string', default: '2' },
    greedy: { type: 'string', default: '48' },
  },
})
const connections = Number(values.connections)
const durationS = Number(values.duration)
const warmupS = Number(values.warmup)
const greedy = Number(values.greedy)
const rate = Number(values.rate)
if (!(connections >= 1) || !(durationS > 0) || !(warmupS >= 0) || !(greedy >= 0 && greedy < connections) || !(rate >= 1 && rate <= connectionRateUnderLimit())) {
  console.error(`--connections must be 1 or more, --duration positive, --warmup zero or more, --greedy below --connections, --rate 1 to ${connectionRateUnderLimit()} (requests a second per connection, under a key's limit)`)
  process.exit(2)
}

ensureBuilt()
const pinning = detectPinning()
if (!pinning.enabled) console.warn(`[load] note: ${pinning.description}`)
pinSelf(pinning)

const started = performance.now()
const db = preparePortalDatabase(connections, greedy)
console.info(`[load] demo database with ${db.claims.toLocaleString('en-US')} claims and ${connections + 1} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`)
const portal = await startLoadPortal(pinning, db)
let failed = true
try {
  console.info(`[load] ${connections} connections for ${durationS} s (after ${warmupS} s of warm-up), at most ${rate} requests/s each; ${greedy} share one greedy key (${greedy * rate}/s against its limit of ${connectionRateUnderLimit() * 4 / 3}/s)`)
  const result = await runLoad(pinning, {
    origin: portal.origin,
    headers: {},
    connections,
    durationS,
    warmupS,
    source: { kind: 'portal', mix: { facts: db.facts, credentials: db.credentials, seed: 1 } },
    countCacheHits: true,
    revalidate: false,
    connectionRate: rate,
  })
  const answers = answerCount(result)
  console.info(`\n${routeTable(result)}\n`)
  console.info(`[load] ${answers.toLocaleString('en-US')} answers in ${result.durationS.toFixed(1)} s (${(answers / result.durationS).toFixed(0)}/s); 2xx p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms, max ${result.latency.max.toFixed(0)} ms; ${result.cacheHits.toLocaleString('en-US')} cache hits; socket errors ${socketErrors(result)}, timeouts ${result.timeouts}; load generator CPU ${(100 * result.generatorCpu).toFixed(0)}%`)
  failed = reportVerdict('load', loadProblems(result), 'no errors but the greedy client\'s 429s')
}
finally {
  await portal.stop()
  db.remove()
}
process.exitCode = failed ? 1 : 0

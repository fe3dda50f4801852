// `npm run measure:retention -- --db PATH [--health-days N]`: the retention run's lock times on a
// copy of a seeded database (PERFORMANCE_TUNING.md, "Retention"). Runs the retention job on the
// job worker thread, as the server does, while this thread writes one audit row every 5 ms on its
// own connection, and prints the job's per-table counts, its longest chunk and the writer's waits.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { runInWorker } from '../../server/services/jobs/worker-host.ts'

const { values } = parseArgs({ options: { 'db': { type: 'string' }, 'health-days': { type: 'string', default: '365' } } })
if (!values.db) {
  console.error('--db PATH (a database seeded with npm run db:seed) is required')
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'retention-measure-'))
const path = join(dir, 'portal.db')
copyFileSync(values.db, path)
const conn = initDatabase(path, { busyTimeoutMs: 5000 })
runMigrations(conn)
const count = (table: string) => (conn.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
console.info(`points ${count('health_data_points')}, rollup rows ${count('health_daily')}, intakes ${count('supplement_intakes')}`)

const insert = conn.sqlite.prepare(`INSERT INTO audit_log (at, actor, action, target) VALUES (?, 'key:0', 'bench.write', NULL)`)
const waits: number[] = []
const writer = setInterval(() => {
  const started = performance.now()
  insert.run(Date.now())
  waits.push(performance.now() - started)
}, 5)

const started = performance.now()
const result = await runInWorker('retention', { health: Number(values['health-days']), audit: 2190, jobs: 30 }, { dbPath: path, timeoutMs: 30 * 60_000 })
clearInterval(writer)
const sorted = waits.sort((a, b) => a - b)
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2)
console.info(JSON.stringify(result, null, 2))
const over = (ms: number) => sorted.filter(w => w > ms).length
console.info(`run ${((performance.now() - started) / 1000).toFixed(1)} s; writer: ${sorted.length} writes, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, `
  + `max ${sorted.at(-1)!.toFixed(2)} ms; ${over(50)} waited over 50 ms, ${over(100)} over 100 ms`)
closeDatabase()
rmSync(dir, { recursive: true, force: true })

// `npm run db:seed -- --claims N --people N --days N --seed S [--end YYYY-MM-DD|ISO-INSTANT] [--reset] [--db PATH]`:
// deterministic synthetic data. Prints a progress line (percent and rows/s) while it writes.
import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { closeDatabase } from '../server/database/client.ts'
import { endInstant } from '../server/services/seed/calendar.ts'
import { isDatabaseEmpty, resetData, seedDatabase } from '../server/services/seed/index.ts'
import { databasePath, openMigrated } from './lib/cli.ts'

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '100000' },
    people: { type: 'string', default: '50' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: '42' },
    end: { type: 'string' },
    reset: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
})

function count(name: string, value: string, min: number): number {
  const n = Number(value.replace(/_/g, ''))
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}; got ${value}`)
    process.exit(2)
  }
  return n
}

const options = {
  claims: count('claims', values.claims, 0),
  people: count('people', values.people, 0),
  days: count('days', values.days, 1),
  seed: count('seed', values.seed, 0),
  end: values.end,
}
try {
  endInstant(options.end)
}
catch {
  console.error(`--end must be a day YYYY-MM-DD or an ISO instant with its offset (2026-03-31T12:00:00Z); got ${options.end}`)
  process.exit(2)
}

const path = databasePath(values.db)
const { conn } = openMigrated(path)
if (values.reset) resetData(conn)
else if (!isDatabaseEmpty(conn)) {
  console.error(`${path} already holds data; add --reset to replace it`)
  process.exit(1)
}

const started = performance.now()
let lastPrint = 0
const report = seedDatabase(conn, {
  ...options,
  onProgress(phase, done, total, rows) {
    const now = performance.now()
    if (now - lastPrint < 250 && done < total) return
    lastPrint = now
    const rate = Math.round(rows / ((now - started) / 1000))
    process.stderr.write(`\r[seed] ${phase.padEnd(6)} ${((100 * done) / total).toFixed(0).padStart(3)}%  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}  ${rate.toLocaleString('en-US')} rows/s   `)
  },
})
process.stderr.write('\n')
conn.sqlite.pragma('wal_checkpoint(TRUNCATE)')
closeDatabase()
const size = statSync(path).size
const s = report.ms / 1000
console.info(`[seed] ${path}: ${report.providers} providers, ${report.claims.toLocaleString('en-US')} claims, ${report.people} people, `
  + `${report.points.toLocaleString('en-US')} health points, ${report.intakes.toLocaleString('en-US')} intakes up to ${report.endAt}`)
console.info(`[seed] ${report.totalRows.toLocaleString('en-US')} rows in ${s.toFixed(1)} s (${Math.round(report.totalRows / s).toLocaleString('en-US')} rows/s); file ${(size / 1048576).toFixed(0)} MiB`)

// `npm run db:indexes [-- --db PATH]`: every table's indexes with their columns, partial WHERE
// and size, read from the database file itself (no sqlite3 CLI needed).
import { parseArgs } from 'node:util'
import { closeDatabase } from '../server/database/client.ts'
import { describeIndexes } from '../server/services/monitoring/indexes.ts'
import { databasePath, openMigrated } from './lib/cli.ts'

const { values } = parseArgs({ options: { db: { type: 'string' } } })
const { conn } = openMigrated(databasePath(values.db))

const mib = (bytes: number | null) => bytes === null ? '' : `${(bytes / 1048576).toFixed(1)} MiB`
for (const table of describeIndexes(conn.sqlite)) {
  console.info(`${table.name}  (${table.rows.toLocaleString('en-US')} rows, ${mib(table.sizeBytes)})`)
  if (table.indexes.length === 0) console.info('  (no indexes besides the rowid)')
  for (const ix of table.indexes) {
    const flags = [ix.unique ? 'unique' : '', ix.origin === 'pk' ? 'primary key' : ''].filter(Boolean).join(', ')
    console.info(`  ${ix.name.padEnd(48)} (${ix.columns.join(', ')})${ix.where ? ` WHERE ${ix.where}` : ''}${flags ? `  [${flags}]` : ''}  ${mib(ix.sizeBytes)}`)
  }
}
closeDatabase()

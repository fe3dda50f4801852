// `npm run db:migrate [-- --db PATH]`: applies drizzle/ migrations to the database.
import { parseArgs } from 'node:util'
import { closeDatabase } from '../server/database/client.ts'
import { databasePath, openMigrated } from './lib/cli.ts'

const { values } = parseArgs({ options: { db: { type: 'string' } } })
const path = databasePath(values.db)
const { applied } = openMigrated(path)
console.info(applied > 0 ? `${path}: applied ${applied} migration(s)` : `${path}: already up to date`)
closeDatabase()

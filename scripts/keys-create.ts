// `npm run keys:create -- --role viewer [--name NAME] [--db PATH]`: prints a new API key once.
import { parseArgs } from 'node:util'
import { closeDatabase } from '../server/database/client.ts'
import { ROLES, type Role } from '../server/database/schema.ts'
import { createApiKey } from '../server/services/auth/api-keys.ts'
import { databasePath, openMigrated } from './lib/cli.ts'

const { values } = parseArgs({ options: { role: { type: 'string', default: 'viewer' }, name: { type: 'string' }, db: { type: 'string' } } })
if (!ROLES.includes(values.role as Role)) {
  console.error(`--role must be one of ${ROLES.join(', ')}`)
  process.exit(2)
}
const role = values.role as Role
openMigrated(databasePath(values.db))
const created = createApiKey(values.name ?? `${role} key (cli)`, role)
closeDatabase()
console.error(`Created ${role} key #${created.id}. It is shown only this once:`)
console.info(created.key)

// The audit log: who wrote or read what, newest first, cursor-paged; filters actor, action, from, to.
import { listAudit } from '../../../services/audit/list.ts'
import { AuditQuery } from '../../../services/audit/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, AuditQuery)
  return listAudit(query)
})

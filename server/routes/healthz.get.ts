// Liveness: the process is up and answering. No credentials, no database.
export default defineEventHandler((event) => {
  parseNoQuery(event)
  return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) }
})

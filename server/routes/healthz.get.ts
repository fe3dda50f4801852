// Liveness: the process is up and answering. No credentials, no database.
export default defineEventHandler(() => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }))

// Alert evaluation: every NUXT_ALERT_INTERVAL_MS the health measures are compared with the alert
// rules; changes go to NUXT_ALERT_WEBHOOK_URL when set. The timer never keeps the process alive.
import { configureAlerts } from '../services/monitoring/alerts.ts'
import { takeSnapshot } from '../services/monitoring/measures.ts'

export default defineNitroPlugin((nitroApp) => {
  const config = useRuntimeConfig()
  const evaluator = configureAlerts({ webhookUrl: String(config.alertWebhookUrl || '') || undefined })
  const intervalMs = Math.max(1000, Number(config.alertIntervalMs) || 15_000)
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    takeSnapshot()
      .then(snapshot => evaluator.evaluate(snapshot.measures))
      .catch(error => console.warn(`[alerts] evaluation failed: ${(error as Error).message}`))
      .finally(() => { running = false })
  }, intervalMs)
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})

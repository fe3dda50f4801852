// Alerts: the thresholds of the health checks as rules, evaluated on an interval. A rule fires
// when its measure crosses the threshold and resolves when it is back; each change goes to the
// history and, when NUXT_ALERT_WEBHOOK_URL is set, to that URL as a JSON POST.
import type { MeasureName } from './measures.ts'
import { crosses, THRESHOLDS } from './thresholds.ts'

export interface AlertRule {
  name: string
  measure: MeasureName
  threshold: number
  bad: 'above' | 'below'
}

export interface AlertEvent {
  rule: string
  measure: string
  state: 'firing' | 'resolved'
  value: number | null
  threshold: number
  at: string
}

export interface Firing {
  name: string
  measure: string
  value: number
  threshold: number
  since: string
}

export type Notify = (event: AlertEvent) => void

const HISTORY_SIZE = 200

export class AlertEvaluator {
  readonly rules: AlertRule[]
  private readonly firing = new Map<string, Firing>()
  private readonly events: AlertEvent[] = []
  private readonly notify?: Notify

  constructor(rules: AlertRule[], notify?: Notify) {
    this.rules = rules
    this.notify = notify
  }

  /** Compares every rule with the current measures; returns the changes it made. */
  evaluate(measures: Partial<Record<MeasureName, number | null>>, now = Date.now()): AlertEvent[] {
    const changes: AlertEvent[] = []
    const at = new Date(now).toISOString()
    for (const rule of this.rules) {
      const value = measures[rule.measure] ?? null
      const active = this.firing.get(rule.name)
      // A measure with nothing to judge (null) neither fires nor resolves.
      if (value === null) continue
      const bad = crosses(rule, value)
      if (bad && !active) {
        this.firing.set(rule.name, { name: rule.name, measure: rule.measure, value, threshold: rule.threshold, since: at })
        changes.push({ rule: rule.name, measure: rule.measure, state: 'firing', value, threshold: rule.threshold, at })
      }
      else if (bad && active) active.value = value
      else if (!bad && active) {
        this.firing.delete(rule.name)
        changes.push({ rule: rule.name, measure: rule.measure, state: 'resolved', value, threshold: rule.threshold, at })
      }
    }
    for (const change of changes) {
      this.events.push(change)
      if (this.events.length > HISTORY_SIZE) this.events.shift()
      this.notify?.(change)
    }
    return changes
  }

  report() {
    return {
      rules: this.rules.map(r => ({ name: r.name, measure: r.measure, threshold: r.threshold, bad: r.bad })),
      firing: [...this.firing.values()],
      history: this.events.slice().reverse(),
    }
  }
}

export const DEFAULT_RULES: AlertRule[] = THRESHOLDS.map(t => ({ name: t.name, measure: t.measure, threshold: t.threshold, bad: t.bad }))

/** Posts an alert change as JSON; failures are logged, never thrown (alerting must not break serving). */
export function webhookNotifier(url: string, fetchImpl: typeof fetch = fetch): Notify {
  return (event) => {
    fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'analytics-portal', ...event }),
      signal: AbortSignal.timeout(5000),
    }).then((res) => {
      if (!res.ok) console.warn(`[alerts] webhook answered ${res.status} for ${event.rule} ${event.state}`)
    }, error => console.warn(`[alerts] webhook failed for ${event.rule} ${event.state}: ${(error as Error).message}`))
  }
}

let evaluator = new AlertEvaluator(DEFAULT_RULES)

export function configureAlerts(options: { webhookUrl?: string }): AlertEvaluator {
  evaluator = new AlertEvaluator(DEFAULT_RULES, options.webhookUrl ? webhookNotifier(options.webhookUrl) : undefined)
  return evaluator
}

export function alerts(): AlertEvaluator {
  return evaluator
}

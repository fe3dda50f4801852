// Recomputes one person's correlations: every supplement they took × every metric they have ×
// lag 0..3, with at least MIN_PAIRS pairs. The q-values are Benjamini-Hochberg over all of
// this person's tests. Rows are upserted on (person, supplement, metric, lag) so ids stay stable
// across recomputes; pairs that no longer qualify are removed, and the person's insights are
// rewritten from the significant ones. One transaction per person.
import { METRIC_NAMES } from '../health/catalog.ts'
import { defineQuery, inTransaction } from '../query/index.ts'
import { insightConfidence, insightText } from './insight-text.ts'
import { loadPersonSeries, MAX_LAG_DAYS, MIN_PAIRS, pairSeries } from './series.ts'
import { bhQValues, correlationStats, type CorrelationStats } from './stats.ts'

/** q below this is "significant" (API.md: significant=true means q < 0.05). */
export const SIGNIFICANT_Q = 0.05

export interface RecomputeSummary {
  people: number
  tests: number
  significant: number
  insights: number
}

interface Test extends CorrelationStats {
  supplementId: string
  metric: string
  lagDays: number
  qValue: number | null
}

const upsert = defineQuery<Record<string, unknown>, { id: number }>('correlations.upsert', `
  INSERT INTO correlations (person_id, supplement_id, metric, lag_days, n, pearson_r, spearman_rho, p_value, q_value, ci_low, ci_high, effect, computed_at)
  VALUES (@personId, @supplementId, @metric, @lagDays, @n, @pearsonR, @spearmanRho, @pValue, @qValue, @ciLow, @ciHigh, @effect, @computedAt)
  ON CONFLICT (person_id, supplement_id, metric, lag_days) DO UPDATE SET n = excluded.n, pearson_r = excluded.pearson_r,
    spearman_rho = excluded.spearman_rho, p_value = excluded.p_value, q_value = excluded.q_value, ci_low = excluded.ci_low,
    ci_high = excluded.ci_high, effect = excluded.effect, computed_at = excluded.computed_at
  RETURNING id`)

const deleteStale = defineQuery<{ personId: number, computedAt: number }, never>('correlations.deleteStale',
  'DELETE FROM correlations WHERE person_id = @personId AND computed_at <> @computedAt')

const deleteInsights = defineQuery<{ personId: number }, never>('insights.deleteForPerson',
  'DELETE FROM insights WHERE person_id = @personId')

const insertInsight = defineQuery<{ personId: number, correlationId: number, text: string, confidence: number, createdAt: number }, never>('insights.insert',
  'INSERT INTO insights (person_id, correlation_id, text, confidence, created_at) VALUES (@personId, @correlationId, @text, @confidence, @createdAt)')

const allPeople = defineQuery<Record<string, never>, { id: number }>('correlations.people', 'SELECT id FROM people ORDER BY id')

/** The statistics for every qualifying test of one person (no database writes). */
export function computeTests(personId: number): Test[] {
  const series = loadPersonSeries(personId)
  const tests: Test[] = []
  for (const supplementId of [...series.doses.keys()].sort()) {
    for (const metric of METRIC_NAMES) {
      if (!series.means.has(metric)) continue
      for (let lag = 0; lag <= MAX_LAG_DAYS; lag++) {
        const s = pairSeries(series, supplementId, metric, lag)
        if (s.dose.length < MIN_PAIRS) continue
        tests.push({ supplementId, metric, lagDays: lag, ...correlationStats(s.dose, s.value), qValue: null })
      }
    }
  }
  const tested = tests.filter(t => t.pValue !== null)
  bhQValues(tested.map(t => t.pValue!)).forEach((q, i) => (tested[i]!.qValue = q))
  return tests
}

/** Recomputes and stores one person's correlations and insights. */
export function recomputePerson(personId: number, now: number = Date.now()): Omit<RecomputeSummary, 'people'> {
  const tests = computeTests(personId)
  return inTransaction(() => {
    const best = new Map<string, { test: Test, id: number }>()
    for (const t of tests) {
      const { id } = upsert.get({ personId, ...t, computedAt: now })!
      if (t.qValue === null || t.qValue >= SIGNIFICANT_Q || t.pearsonR === null) continue
      // One finding per supplement and metric: the lag with the strongest evidence.
      const key = `${t.supplementId}|${t.metric}`
      const seen = best.get(key)
      if (!seen || t.qValue < seen.test.qValue!) best.set(key, { test: t, id })
    }
    deleteStale.run({ personId, computedAt: now })
    deleteInsights.run({ personId })
    for (const { test, id } of best.values()) {
      const input = { ...test, pearsonR: test.pearsonR!, qValue: test.qValue! }
      insertInsight.run({ personId, correlationId: id, text: insightText(input), confidence: insightConfidence(input.qValue), createdAt: now })
    }
    return {
      tests: tests.length,
      significant: tests.filter(t => t.qValue !== null && t.qValue < SIGNIFICANT_Q).length,
      insights: best.size,
    }
  })
}

/** Recomputes everyone (or the given people), one transaction per person so readers never wait long. */
export function recomputeMany(personIds?: number[], onProgress?: (done: number, total: number) => void): RecomputeSummary {
  const ids = personIds ?? allPeople.all({}).map(p => p.id)
  const summary: RecomputeSummary = { people: 0, tests: 0, significant: 0, insights: 0 }
  for (const id of ids) {
    const r = recomputePerson(id)
    summary.people++
    summary.tests += r.tests
    summary.significant += r.significant
    summary.insights += r.insights
    onProgress?.(summary.people, ids.length)
  }
  return summary
}

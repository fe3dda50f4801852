// The access path of every health, correlation and job statement, by EXPLAIN QUERY PLAN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, queryCatalog } from '../../server/services/query/index.ts'
import '../../server/services/health/ingest-points.ts'
import '../../server/services/health/ingest-intakes.ts'
import '../../server/services/health/read.ts'
import '../../server/services/health/supplements.ts'
import '../../server/services/health/integrity.ts'
import '../../server/services/correlations/read.ts'
import '../../server/services/jobs/handlers.ts'
import '../../server/services/jobs/queue.ts'
import { tempDatabase } from './helpers.ts'

let db: ReturnType<typeof tempDatabase>
let plans: Record<string, string>
beforeAll(() => {
  db = tempDatabase()
  plans = Object.fromEntries(queryCatalog().filter(q => /^(health|people|correlations|insights|jobs|intakes|supplements)\./.test(q.name))
    .map(q => [q.name, explain(db.conn.sqlite, q.sql)]))
})
afterAll(() => db.dispose())

describe('health statements', () => {
  it('ingest looks up each key of the batch with one seek on the unique index', () => {
    expect(plans['health.ingest.existing']).toMatch(/SCAN k VIRTUAL TABLE[\s\S]*SEARCH h USING INDEX idx_health_person_metric_at \(person_id=\? AND metric=\? AND at=\? AND source=\?\)/)
    expect(plans['intakes.ingest.existing']).toMatch(/SEARCH i USING INDEX idx_intakes_person_supplement_at \(person_id=\? AND supplement_id=\? AND taken_at=\?\)/)
  })

  it('point lists are one index range in the order they return, without a sort', () => {
    expect(plans['health.points.byMetric']).toMatch(/SEARCH health_data_points USING INDEX idx_health_person_metric_at \(person_id=\? AND metric=\? AND at>\? AND at<\?\)/)
    expect(plans['health.points.all.after']).toMatch(/USING INDEX idx_health_person_metric_at \(person_id=\? AND \(metric,at,source\)>\(\?,\?,\?\)\)/)
    for (const name of ['health.points.byMetric', 'health.points.byMetric.after', 'health.points.all', 'health.points.all.after']) {
      expect(plans[name]).not.toMatch(/TEMP B-TREE/)
    }
  })

  it('summaries and the people list read the daily rollup by (person, metric)', () => {
    for (const bucket of ['Day', 'Week', 'Month']) {
      expect(plans[`health.summary.by${bucket}`]).toMatch(/SEARCH health_daily USING INDEX idx_health_daily_person_metric_day \(person_id=\? AND metric=\? AND day>\? AND day<\?\)/)
    }
    expect(plans['health.summary.byDay']).not.toMatch(/TEMP B-TREE/)
    expect(plans['people.metricSpans']).toMatch(/SEARCH health_daily USING COVERING INDEX idx_health_daily_person_metric_day \(person_id=\? AND metric=\?\)/)
    expect(plans['people.intakeSpans']).toMatch(/SEARCH supplement_intakes USING COVERING INDEX idx_intakes_person_supplement_at \(person_id=\? AND supplement_id=\?\)/)
    expect(plans['people.list.after']).toMatch(/SEARCH people USING COVERING INDEX uq_people_ref \(ref>\?\)/)
  })
})

describe('correlation and job statements', () => {
  it('a recompute reads one person through the indexes', () => {
    expect(plans['correlations.dailyMeans']).toMatch(/SEARCH health_daily USING INDEX idx_health_daily_person_metric_day \(person_id=\?\)/)
    expect(plans['correlations.intakeDays']).toMatch(/SEARCH supplement_intakes USING INDEX idx_intakes_person_supplement_at \(person_id=\?\)/)
    expect(plans['correlations.deleteStale']).toMatch(/SEARCH correlations USING INDEX idx_correlations_person_supplement_metric_lag \(person_id=\?\)/)
    expect(plans['insights.deleteForPerson']).toMatch(/idx_insights_person_confidence \(person_id=\?\)/)
  })

  it('lists use the person index or walk ids in order', () => {
    expect(plans['correlations.list[person]']).toMatch(/SEARCH c USING INDEX idx_correlations_person_supplement_metric_lag \(person_id=\?\)/)
    expect(plans['correlations.list[all]']).toMatch(/SEARCH c USING INTEGER PRIMARY KEY \(rowid>\?\)/)
    expect(plans['correlations.list[all]']).not.toMatch(/TEMP B-TREE/)
    expect(plans['correlations.list[significant]']).toMatch(/SEARCH c USING INDEX idx_correlations_q \(q_value<\?\)/)
    expect(plans['insights.list']).toMatch(/SEARCH i USING INDEX idx_insights_person_confidence \(person_id=\? AND confidence<\?\)/)
    expect(plans['insights.list']).not.toMatch(/TEMP B-TREE/)
  })

  it('the job poll takes the oldest runnable job from idx_jobs_status_run_after', () => {
    expect(plans['jobs.claim']).toMatch(/SEARCH job_runs USING COVERING INDEX idx_jobs_status_run_after \(status=\? AND run_after<\?\)/)
    expect(plans['jobs.queuedSame']).toMatch(/idx_jobs_status_run_after \(status=\?\)/)
    expect(plans['jobs.lastQueuedAt']).toMatch(/SCAN job_runs USING INDEX idx_jobs_queued_at/)
    expect(plans['jobs.list']).toMatch(/SEARCH job_runs USING INTEGER PRIMARY KEY \(rowid<\?\)/)
  })
})

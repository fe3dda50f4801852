// The data-integrity check: runs of missing days per person and metric, values outside their
// metric's plausible range (ingest refuses them, so these came in some other way), intakes in a
// unit other than their supplement's, and (from the rollup check) rollups that disagree with
// their raw rows. A report, not a repair: it reads every point, so it runs on the job worker.
import { defineQuery } from '../query/index.ts'
import { METRICS } from './catalog.ts'
import { personRefs } from './people.ts'

/** A gap is this many missing days or more between two measured days. */
export const MIN_GAP_DAYS = 3
/** The report lists the series with the longest gaps, not all of them. */
const TOP_GAPS = 50

export interface GapSeries {
  personId: string
  metric: string
  gaps: number
  longestGapDays: number
  missingDays: number
}

// Walks health_daily in the order of its unique index: lag() within a (person, metric) series.
const gaps = defineQuery<{ minGap: number }, { personId: number, metric: string, gaps: number, longest: number, missing: number }>('integrity.gaps', `
  SELECT person_id AS personId, metric, count(*) AS gaps, max(gap) AS longest, sum(gap) AS missing FROM (
    SELECT person_id, metric, CAST(julianday(day) - julianday(lag(day) OVER (PARTITION BY person_id, metric ORDER BY day)) AS INTEGER) - 1 AS gap
    FROM health_daily)
  WHERE gap >= @minGap GROUP BY person_id, metric`)

const implausible = defineQuery<{ ranges: string }, { metric: string, count: number }>('integrity.implausible', `
  SELECT h.metric, count(*) AS count FROM health_data_points AS h LEFT JOIN json_each(@ranges) AS r ON r.key = h.metric
  WHERE r.key IS NULL OR h.value < r.value ->> 0 OR h.value > r.value ->> 1 GROUP BY h.metric ORDER BY h.metric`)

const wrongUnits = defineQuery<Record<string, never>, { supplementId: string, count: number }>('integrity.intakeUnits', `
  SELECT i.supplement_id AS supplementId, count(*) AS count FROM supplement_intakes AS i JOIN supplements AS s ON s.id = i.supplement_id
  WHERE i.unit <> s.default_unit OR i.dose <= 0 GROUP BY i.supplement_id ORDER BY i.supplement_id`)

export interface IntegrityReport {
  gaps: { minGapDays: number, series: number, totalGaps: number, longest: GapSeries[] }
  implausibleValues: { metric: string, count: number }[]
  intakesInWrongUnit: { supplementId: string, count: number }[]
}

export function integrityReport(): IntegrityReport {
  const all = gaps.all({ minGap: MIN_GAP_DAYS })
  const top = [...all].sort((a, b) => b.longest - a.longest || b.gaps - a.gaps).slice(0, TOP_GAPS)
  const names = personRefs(new Set(top.map(g => g.personId)))
  const ranges = JSON.stringify(Object.fromEntries(Object.values(METRICS).map(m => [m.name, [m.min, m.max]])))
  return {
    gaps: {
      minGapDays: MIN_GAP_DAYS,
      series: all.length,
      totalGaps: all.reduce((n, g) => n + g.gaps, 0),
      longest: top.map(g => ({ personId: names.get(g.personId) ?? String(g.personId), metric: g.metric, gaps: g.gaps, longestGapDays: g.longest, missingDays: g.missing })),
    },
    implausibleValues: implausible.all({ ranges }),
    intakesInWrongUnit: wrongUnits.all({}),
  }
}

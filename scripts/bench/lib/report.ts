// The bench's report: every scenario answers a small table plus the targets it checks, and this
// file turns them into the JSON report and the markdown that PERFORMANCE_TUNING.md quotes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TargetResult {
  label: string
  /** The goal as text, e.g. `< 10 ms`. */
  goal: string
  measured: string
  /** null when the scenario could not measure it (e.g. every request failed). */
  met: boolean | null
}

export interface ScenarioResult {
  name: string
  title: string
  columns: string[]
  rows: string[][]
  targets: TargetResult[]
  notes: string[]
  /** The raw figures behind the table, for the JSON report. */
  data: Record<string, unknown>
}

export interface Machine {
  nproc: number
  cpuModel: string
  node: string
  platform: string
  pinning: string
}

export interface BenchReport {
  startedAt: string
  finishedAt: string
  machine: Machine
  database: Record<string, unknown> & { description: string }
  scenarios: ScenarioResult[]
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (ms < 0.1) return `${(ms * 1000).toFixed(1)} µs`
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms).toLocaleString('en-US')} ms`
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '–'
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'
}

type Op = '<' | '<=' | '>='

/** Checks a measured value against a goal; a missing measurement is neither met nor missed. */
export function checkTarget(label: string, value: number, op: Op, limit: number, format: (n: number) => string): TargetResult {
  const goal = `${op === '<=' ? '≤' : op === '>=' ? '≥' : '<'} ${format(limit)}`
  if (!Number.isFinite(value)) return { label, goal, measured: '–', met: null }
  const met = op === '<' ? value < limit : op === '<=' ? value <= limit : value >= limit
  return { label, goal, measured: format(value), met }
}

/** A markdown table; `|` inside a cell is escaped so it cannot split the row. */
export function markdownTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|')
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n')
}

function metText(met: boolean | null): string {
  return met === null ? 'not measured' : met ? 'yes' : '**no**'
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine
  const seconds = Math.round((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000)
  const out = [
    `### Benchmark run of ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.nproc} cores, ${m.cpuModel}; Node ${m.node} on ${m.platform}. ${m.pinning}`,
    `Database: ${report.database.description}. Whole run: ${seconds} s.`,
  ]
  const targets = report.scenarios.flatMap(s => s.targets)
  if (targets.length) {
    out.push('', '#### Targets', '', markdownTable(['target', 'goal', 'measured', 'met'],
      targets.map(t => [t.label, t.goal, t.measured, metText(t.met)])))
  }
  for (const s of report.scenarios) {
    out.push('', `#### ${s.title} (\`${s.name}\`)`, '', markdownTable(s.columns, s.rows))
    if (s.notes.length) out.push('', ...s.notes.map(n => `- ${n}`))
  }
  return `${out.join('\n')}\n`
}

/** `2026-11-25T08:30:00.123Z` → `2026-11-25T08-30-00Z`: sortable and valid in every file system. */
export function reportStamp(iso: string): string {
  return `${iso.slice(0, 19).replace(/:/g, '-')}Z`
}

/** Writes `<stamp>.json`, `<stamp>.md` and `latest.md`; returns the markdown. */
export function writeReport(report: BenchReport, dir: string): { markdown: string, json: string, md: string } {
  mkdirSync(dir, { recursive: true })
  const stamp = reportStamp(report.startedAt)
  const markdown = renderMarkdown(report)
  const json = join(dir, `${stamp}.json`)
  const md = join(dir, `${stamp}.md`)
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(md, markdown)
  writeFileSync(join(dir, 'latest.md'), markdown)
  return { markdown, json, md }
}

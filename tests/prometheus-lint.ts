// The rules `promtool check metrics` applies to a Prometheus text exposition (its parser and
// client_golang's promlint), for machines without promtool: names, HELP and TYPE lines, `_total`
// only on counters, base units, histogram series, duplicate series. Returns one problem a line.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
// promlint's non-base and abbreviated units, as name parts.
const NON_BASE_UNITS = new Set(['ms', 'msec', 'msecs', 'milliseconds', 'microseconds', 'us', 'nanoseconds', 'ns', 'minutes', 'hours', 'days', 'sec', 'secs', 'kilobytes', 'megabytes', 'gigabytes', 'kb', 'mb', 'gb', 'percent'])

interface Family { type?: string, help?: string, samples: { name: string, labels: Record<string, string>, value: number }[] }

function parseLabels(text: string, problems: string[], line: string): Record<string, string> {
  const labels: Record<string, string> = {}
  const re = /\s*([^=\s,]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy
  let m: RegExpExecArray | null
  let at = 0
  while ((m = re.exec(text))) {
    at = re.lastIndex
    if (!LABEL_NAME.test(m[1]!) || m[1]!.startsWith('__')) problems.push(`invalid label name "${m[1]}": ${line}`)
    if (m[1]! in labels) problems.push(`duplicate label "${m[1]}": ${line}`)
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
  }
  if (text.slice(at).trim() !== '') problems.push(`unparsable labels: ${line}`)
  return labels
}

function familyOf(name: string, families: Map<string, Family>): [string, Family] | undefined {
  for (const suffix of ['', '_bucket', '_sum', '_count']) {
    if (suffix && !name.endsWith(suffix)) continue
    const base = suffix ? name.slice(0, -suffix.length) : name
    const f = families.get(base)
    if (f && (suffix === '' || f.type === 'histogram' || f.type === 'summary')) return [base, f]
  }
  return undefined
}

export function lintMetrics(text: string): string[] {
  const problems: string[] = []
  const families = new Map<string, Family>()
  const seen = new Set<string>()
  const family = (name: string) => { let f = families.get(name); if (!f) families.set(name, f = { samples: [] }); return f }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line)
    if (meta) {
      const [, kind, name, rest = ''] = meta
      if (!METRIC_NAME.test(name!)) problems.push(`invalid metric name "${name}"`)
      const f = family(name!)
      if (f.samples.length > 0) problems.push(`${kind} for ${name} after its samples`)
      if (kind === 'HELP') {
        if (f.help !== undefined) problems.push(`second HELP for ${name}`)
        f.help = rest
      }
      else {
        if (f.type !== undefined) problems.push(`second TYPE for ${name}`)
        if (!TYPES.has(rest)) problems.push(`unknown type "${rest}" for ${name}`)
        f.type = rest
      }
      continue
    }
    if (line.startsWith('#')) continue
    const sample = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(line)
    if (!sample) {
      problems.push(`unparsable line: ${line}`)
      continue
    }
    const [, name, labelText = '', valueText] = sample
    if (!METRIC_NAME.test(name!)) problems.push(`invalid metric name "${name}"`)
    const labels = parseLabels(labelText, problems, line)
    // Prometheus parses values as Go's ParseFloat does: NaN and Inf in any case (prom-client writes `Nan`).
    const nan = /^nan$/i.test(valueText!)
    const value = /^[+-]?inf(?:inity)?$/i.test(valueText!) ? (valueText!.startsWith('-') ? -Infinity : Infinity) : nan ? Number.NaN : Number(valueText)
    if (!nan && Number.isNaN(value)) problems.push(`invalid value "${valueText}": ${line}`)
    const series = `${name}{${Object.keys(labels).sort().map(k => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`
    if (seen.has(series)) problems.push(`duplicate series ${series}`)
    seen.add(series)
    const found = familyOf(name!, families)
    if (!found) {
      problems.push(`${name} has no TYPE or HELP line before it`)
      continue
    }
    found[1].samples.push({ name: name!, labels, value })
  }

  for (const [name, f] of families) {
    if (f.help === undefined || f.help.trim() === '') problems.push(`${name} no help text`)
    if (f.type === undefined) problems.push(`${name} has no TYPE`)
    if (/[A-Z]/.test(name)) problems.push(`${name} metric names should be written in 'snake_case' not 'camelCase'`)
    if (f.type === 'counter' && !name.endsWith('_total')) problems.push(`${name} counter metrics should have "_total" suffix`)
    if (f.type !== 'counter' && name.endsWith('_total')) problems.push(`${name} non-counter metrics should not have "_total" suffix`)
    for (const t of ['counter', 'gauge', 'histogram', 'summary']) if (name.split('_').includes(t)) problems.push(`${name} metric name should not include type '${t}'`)
    for (const part of name.split('_')) if (NON_BASE_UNITS.has(part)) problems.push(`${name} uses "${part}": use base units (seconds, bytes, ratio)`)
    if (f.type === 'histogram') lintHistogram(name, f, problems)
    else if (f.type !== 'summary') for (const s of f.samples) if (s.name !== name) problems.push(`${s.name} is not a sample name of the ${f.type} ${name}`)
  }
  return problems
}

function lintHistogram(name: string, f: Family, problems: string[]): void {
  const groups = new Map<string, { buckets: [number, number][], count?: number, sum?: number }>()
  for (const s of f.samples) {
    const { le, ...rest } = s.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    let g = groups.get(key)
    if (!g) groups.set(key, g = { buckets: [] })
    if (s.name === `${name}_bucket`) {
      if (le === undefined) problems.push(`${name}_bucket without "le"`)
      else g.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value])
    }
    else if (s.name === `${name}_count`) g.count = s.value
    else if (s.name === `${name}_sum`) g.sum = s.value
    else problems.push(`${s.name} is not a sample of the histogram ${name} (only _bucket, _sum, _count)`)
    if (s.name !== `${name}_bucket` && le !== undefined) problems.push(`${s.name} has an "le" label`)
  }
  for (const [labels, g] of groups) {
    const where = `${name}${labels}`
    g.buckets.sort((a, b) => a[0] - b[0])
    const inf = g.buckets.find(b => b[0] === Infinity)
    if (!inf) problems.push(`${where} has no le="+Inf" bucket`)
    if (g.count === undefined || g.sum === undefined) problems.push(`${where} lacks _count or _sum`)
    if (inf && g.count !== undefined && inf[1] !== g.count) problems.push(`${where}: le="+Inf" bucket ${inf[1]} is not _count ${g.count}`)
    for (let i = 1; i < g.buckets.length; i++) if (g.buckets[i]![1] < g.buckets[i - 1]![1]) problems.push(`${where}: buckets are not cumulative at le=${g.buckets[i]![0]}`)
  }
}

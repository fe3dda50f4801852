// Turns zod issues into the API's `{ path, message }` list: `[17].billedCents`, `status`.
import type { z } from 'zod'

export interface InputIssue {
  path: string
  message: string
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): InputIssue[] {
  return issues.map(issue => ({ path: formatPath(issue.path), message: issue.message }))
}

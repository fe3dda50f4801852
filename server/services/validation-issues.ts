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

/** One issue per unknown key (`[3].extra`), so that every issue names the field it is about. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): InputIssue[] {
  return issues.flatMap(issue => issue.code === 'unrecognized_keys'
    ? issue.keys.map(key => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }))
    : [{ path: formatPath(issue.path), message: issue.message }])
}

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

/**
 * A union that failed says only "Invalid input". When all but one of its branches refused the
 * input as a whole (a string where an array is expected, an array where one value is), the input
 * was meant for that one: its issues say what is wrong, at their own paths (`status`, `status[1]`).
 */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return [issue]
  // Narrowed step by step, each step only while several branches are left: first those that
  // refused the input's type (a string where an array is expected), then those that refused it
  // as a whole by value (an enum given an array), so the branch that took the input in remains.
  const rootIssue = (code: string) => (branch: z.core.$ZodIssue[]) => branch.some(i => i.code === code && i.path.length === 0)
  let meant = issue.errors
  for (const refused of [rootIssue('invalid_type'), rootIssue('invalid_value')]) {
    if (meant.length > 1) meant = meant.filter(branch => !refused(branch))
  }
  if (meant.length !== 1) return [issue]
  return meant[0]!.flatMap(inner => unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] }))
}

/** One issue per unknown key (`[3].extra`), so that every issue names the field it is about. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): InputIssue[] {
  return issues.flatMap(unwrapUnion).flatMap(issue => issue.code === 'unrecognized_keys'
    ? issue.keys.map(key => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }))
    : [{ path: formatPath(issue.path), message: issue.message }])
}

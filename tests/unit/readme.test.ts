// The README's sqlite3 examples are run against a real database, so they stay true.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertFixture } from './claims-fixture.ts'
import { tempDatabase } from './helpers.ts'

const hasCli = (() => {
  try {
    execFileSync('sqlite3', ['--version'])
    return true
  }
  catch {
    return false
  }
})()

/** Each ```sh block that calls sqlite3, with the ``` block after it (what it prints). */
function examples(): { command: string, output: string }[] {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map(m => ({ lang: m[1], body: m[2]!.trim() }))
  const out: { command: string, output: string }[] = []
  blocks.forEach((b, i) => {
    const next = blocks[i + 1]
    if (b.lang === 'sh' && b.body.startsWith('sqlite3 ') && next && next.lang === '') out.push({ command: b.body, output: next.body })
  })
  return out
}

// CI installs the CLI (.ci/run), so there these tests always run.
describe.skipIf(!hasCli && !process.env.CI)('README sqlite3 examples', () => {
  let db: ReturnType<typeof tempDatabase>
  beforeAll(() => {
    db = tempDatabase()
    insertFixture(db.conn)
    db.conn.sqlite.exec('ANALYZE')
  })
  afterAll(() => db.dispose())

  it('has examples to check', () => {
    expect(examples().length).toBeGreaterThanOrEqual(4)
  })

  it.each(examples())('$command', ({ command, output }) => {
    // `sqlite3 data/portal.db "SQL"` → run the same against the test database.
    const match = /^sqlite3 data\/portal\.db (".*")$/s.exec(command)
    expect(match).not.toBeNull()
    const arg = JSON.parse(match![1]!.replace(/\n\s*/g, ' ')) as string
    const printed = execFileSync('sqlite3', [db.conn.path, arg], { encoding: 'utf8' })
    const normalise = (s: string) => s.trim().split('\n').map(l => l.trim().replace(/\s+/g, ' ')).join('\n')
    expect(normalise(printed)).toBe(normalise(output))
  })
})

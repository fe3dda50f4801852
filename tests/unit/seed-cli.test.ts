// `npm run db:seed` as an operator runs it: a progress line, a summary, and no silent overwrite.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'portal-seed-cli-'))
const db = join(dir, 'seed.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function seed(...args: string[]) {
  return spawnSync(join(ROOT, 'node_modules/.bin/node'), ['scripts/db-seed.ts', '--db', db, ...args], { cwd: ROOT, encoding: 'utf8' })
}

// Each test starts the CLI (a Node process) two or three times: seconds on a loaded machine.
describe('npm run db:seed', { timeout: 60_000 }, () => {
  it('writes the requested rows, reporting progress in percent and rows/s', () => {
    const run = seed('--claims', '3000', '--people', '3', '--days', '30', '--seed', '5', '--end', '2026-03-31')
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/\[seed\] claims\s+100%\s+3,000 \/ 3,000\s+[\d,]+ rows\/s/)
    expect(run.stderr).toMatch(/\[seed\] people\s+100%/)
    expect(run.stdout).toMatch(/60 providers, 3,000 claims, 3 people/)
    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.prepare(`SELECT count(*) AS n, max(date_of_service) AS last FROM claims`).get()).toEqual({ n: 3000, last: '2026-03-31' })
    sqlite.close()
  })

  it('refuses to seed over existing data without --reset, and replaces it with --reset', () => {
    const again = seed('--claims', '100', '--people', '0', '--days', '5')
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/already holds data; add --reset/)
    const reset = seed('--claims', '100', '--people', '0', '--days', '5', '--end', '2026-03-31', '--reset')
    expect(reset.status).toBe(0)
    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.prepare('SELECT count(*) AS n FROM claims').get()).toEqual({ n: 100 })
    expect(sqlite.prepare('SELECT count(*) AS n FROM people').get()).toEqual({ n: 0 })
    sqlite.close()
  })

  it.each([['--claims', 'lots'], ['--days', '0'], ['--end', '31/03/2026']])('rejects %s %s with a message and exit code 2', (flag, value) => {
    const run = seed(flag, value)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(flag)
  })
})

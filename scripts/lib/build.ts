// Builds the Nuxt app when .output is missing or older than the sources, so `npm start` and the
// e2e tests always run what is in the tree, and rebuild only when something changed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const OUTPUT_MARKER = join(ROOT, '.output', 'nitro.json')
const SOURCES = ['server', 'pages', 'components', 'composables', 'layouts', 'middleware', 'app', 'public', 'assets', 'utils', 'drizzle', 'nuxt.config.ts', 'app.vue', 'error.vue', 'package-lock.json']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

export function needsBuild(): boolean {
  if (!existsSync(OUTPUT_MARKER)) return true
  const built = statSync(OUTPUT_MARKER).mtimeMs
  return SOURCES.some(source => newestMtime(join(ROOT, source)) > built)
}

export function buildApp(): void {
  const started = performance.now()
  console.info('[build] building the portal (nuxt build)…')
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/nuxt/bin/nuxt.mjs'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error(`nuxt build failed with exit code ${result.status}`)
  console.info(`[build] done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

export function ensureBuilt(): void {
  if (needsBuild()) buildApp()
}

export const SERVER_ENTRY = join(ROOT, '.output', 'server', 'index.mjs')
export const PROJECT_ROOT = ROOT

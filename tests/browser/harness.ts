// Runs the built server (.output, built by the global setup) on a seeded temporary database and
// drives Chromium (launch.ts picks which) against it with playwright-core. One server and one
// browser per file.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll } from 'vitest'
import { closeDatabase, initDatabase } from '../../server/database/client.ts'
import { runMigrations } from '../../server/database/migrate.ts'
import { seedDatabase } from '../../server/services/seed/index.ts'
import { chooseBrowser, launchBrowser, type BrowserChoice } from './launch.ts'

const ROOT = resolve(import.meta.dirname, '../..')
export const ARTIFACTS = join(ROOT, 'tests/artifacts')
export const ADMIN = { email: 'admin@example.com', password: `pw-${randomBytes(9).toString('base64url')}` }
export const ADMIN_KEY = `ap_browser-${randomBytes(16).toString('hex')}`
export const DESKTOP = { width: 1280, height: 900 }
export const PHONE = { width: 390, height: 844 }

export interface Portal {
  url: string
  browser: Browser
  /** The UTC day the seeded data ends on: today, so the pages' default ranges hold data. */
  today: string
  /** GET with the admin key, for probes and checks outside the browser. */
  api: (path: string) => Promise<Response>
  /** Stops Chromium and the server (also after the file's tests, and when the process exits). */
  stop: () => Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer()
    srv.once('error', rej)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => res(port))
    })
  })
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log()}`)
    const ok = await fetch(`${url}/readyz`).then(r => r.ok, () => false)
    if (ok) return
    await new Promise(r => setTimeout(r, 200))
  }
  throw new Error(`the server did not become ready in ${timeoutMs} ms:\n${log()}`)
}

export interface PortalOptions {
  /** Which Chromium (default: launch.ts's choice from the environment). */
  browser?: BrowserChoice
  port?: number
  readyTimeoutMs?: number
}

/** A failed start, after everything it had started was stopped; names the server it stopped. */
export class PortalStartError extends Error {
  constructor(message: string, readonly url: string, readonly pid: number | undefined, options: ErrorOptions) {
    super(message, options)
  }
}

/**
 * Seeds a database, starts the server and Chromium; both stop after the file's tests. When a step
 * fails, what had started is stopped before the error is thrown: a file whose set-up failed runs
 * no afterAll of ours, and a server left behind would hold its port and database until the run ends.
 */
export async function startPortal(options: PortalOptions = {}): Promise<Portal> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-browser-'))
  const dbPath = join(dir, 'portal.db')
  const conn = initDatabase(dbPath)
  runMigrations(conn)
  // Ends now: the pages' default ranges (ending today) hold data, and nothing lies in the future.
  const today = seedDatabase(conn, { claims: 6000, people: 2, days: 120, seed: 11 }).end
  closeDatabase()

  const port = options.port ?? await freePort()
  let output = ''
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, '.output/server/index.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NUXT_DATABASE_PATH: dbPath,
      NUXT_SEED_DEMO: 'false',
      NUXT_BACKUP_DIR: join(dir, 'backups'),
      NUXT_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      NUXT_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      NUXT_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      NUXT_SESSION_PASSWORD: randomBytes(32).toString('hex'),
      // One address loads every page many times over; the limits have their own e2e test.
      NUXT_RATE_LIMIT_PER_MINUTE: '1000000',
      NUXT_RATE_LIMIT_ANON_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => { output += d })
  child.stderr!.on('data', (d) => { output += d })
  const killOnExit = () => { child.kill('SIGKILL') }
  // The exit hook covers a file that ends without running its hooks (a failed import, say).
  process.once('exit', killOnExit)
  const url = `http://127.0.0.1:${port}`

  let browser: Browser | undefined
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await browser?.close()
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    process.removeListener('exit', killOnExit)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitReady(url, child, () => output, options.readyTimeoutMs ?? 60_000)
    browser = await launchBrowser(options.browser ?? chooseBrowser())
  }
  catch (error) {
    await stop()
    throw new PortalStartError(`The portal's set-up failed, and the server it started (${url}, pid ${child.pid}) is stopped: ${(error as Error).message}`, url, child.pid, { cause: error })
  }
  afterAll(stop)
  mkdirSync(ARTIFACTS, { recursive: true })
  return { url, browser, today, stop, api: path => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }) }
}

export interface Session {
  context: BrowserContext
  page: Page
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[]
  /** Content-Security-Policy refusals seen so far (also in `errors`). */
  violations: string[]
  /** Paths of the scripts loaded since the last visit(). */
  scripts: Set<string>
}

/** A fresh browser context (its own cookies) at a viewport, collecting console errors. */
export async function openSession(portal: Portal, viewport = DESKTOP): Promise<Session> {
  const context = await portal.browser.newContext({ viewport, baseURL: portal.url })
  const page = await context.newPage()
  const errors: string[] = []
  const violations: string[] = []
  const scripts = new Set<string>()
  page.on('request', (req) => { if (req.resourceType() === 'script') scripts.add(new URL(req.url()).pathname) })
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    errors.push(`${page.url()}: ${msg.text()}`)
    if (/CSP violation|Content Security Policy/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`)
  })
  page.on('pageerror', (err) => { errors.push(`${page.url()}: ${err.message}`) })
  page.on('dialog', dialog => void dialog.accept())
  // Chromium logs a CSP refusal as a console error too; this names the directive and what it blocked.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`)
    })
  })
  return { context, page, errors, violations, scripts }
}

/** Resolves once Vue has hydrated the page: it keeps the app on its container then. */
export function hydrated(page: Page): Promise<unknown> {
  return page.waitForFunction(() => Boolean((document.querySelector('#__nuxt') as { __vue_app__?: unknown } | null)?.__vue_app__))
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login')
  // Typed into before hydration, the fields can be re-rendered empty under a loaded machine.
  await hydrated(page)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(url => !url.pathname.startsWith('/login'))
}

/** Opens a page and waits until the app has hydrated and no request is in flight. */
export async function visit(page: Page, path: string, scripts?: Set<string>): Promise<number> {
  scripts?.clear()
  const started = Date.now()
  await page.goto(path, { waitUntil: 'networkidle' })
  await hydrated(page)
  return Date.now() - started
}

/** How many pixels each canvas on the page has drawn (alpha > 0), once they have drawn. */
export async function canvasInk(page: Page, min = 1): Promise<number[]> {
  await page.waitForFunction((least) => {
    const canvases = [...document.querySelectorAll('canvas')]
    return canvases.length >= least && canvases.every(c => c.width > 0 && c.height > 0)
  }, min)
  return page.evaluate(() => [...document.querySelectorAll('canvas')].map((canvas) => {
    const ctx = canvas.getContext('2d')!
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    let ink = 0
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++
    return ink
  }))
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** The page's navigation timing in ms from its start: DOMContentLoaded, load, and the first and last chart drawn. */
export async function navigationTiming(page: Page): Promise<{ domContentLoaded: number, load: number, firstChart?: number, lastChart?: number }> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    const charts = performance.getEntriesByName('chart-drawn').map(e => Math.round(e.startTime))
    return {
      domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
      load: Math.round(nav.loadEventEnd),
      ...(charts.length ? { firstChart: Math.min(...charts), lastChart: Math.max(...charts) } : {}),
    }
  })
}

export interface JsSize { files: number, bytes: number, gzipBytes: number }

/**
 * The JavaScript a first load of `path` needs: the entry and the chunks its server-rendered HTML
 * preloads, plus chart.js when the page draws charts (imported after the first render). Chunks
 * NuxtLink prefetches for linked pages while idle are not counted; `jsShipped` counts them.
 */
export async function pageJs(portal: Portal, context: BrowserContext, path: string, drawsCharts: boolean): Promise<JsSize> {
  const cookie = (await context.cookies()).map(c => `${c.name}=${c.value}`).join('; ')
  const html = await (await fetch(`${portal.url}${path}`, { headers: { cookie } })).text()
  const files = new Set([...html.matchAll(/<link rel="modulepreload"[^>]*?href="([^"]+)"/g), ...html.matchAll(/<script type="module" src="([^"]+)"/g)].map(m => m[1]!))
  if (drawsCharts) {
    const manifest = readFileSync(join(ROOT, '.output/server/chunks/virtual/precomputed.mjs'), 'utf8')
    const chunk = /file:"([^"]+)",name:"chartjs"/.exec(manifest)?.[1]
    if (chunk) files.add(`/_nuxt/${chunk}`)
  }
  return jsShipped(files)
}

/** The size of built scripts, from .output/public: bytes as served and gzipped. */
export function jsShipped(scripts: Set<string>): JsSize {
  let bytes = 0
  let gzipBytes = 0
  for (const path of scripts) {
    const file = readFileSync(join(ROOT, '.output/public', path))
    bytes += file.length
    gzipBytes += gzipSync(file).length
  }
  return { files: scripts.size, bytes, gzipBytes }
}

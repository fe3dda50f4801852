// Which Chromium the browser tests drive, and starting it. A system Chromium (CHROMIUM_PATH, or
// Debian's at /usr/bin/chromium) when there is one; otherwise the headless shell that ships inside
// the @sparticuz/chromium dev dependency, so `npm ci && npm test` needs nothing installed by hand.
// PORTAL_BROWSER=bundled uses the package even when a system Chromium exists (CI runs both ways);
// PORTAL_BROWSER=system refuses to fall back.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

const ROOT = resolve(import.meta.dirname, '../..')
export const SYSTEM_CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

const INSTALL_HINT = 'The browser tests need a Chromium: run `npm ci` (it installs the bundled @sparticuz/chromium), '
  + 'install Debian\'s (`apt-get install chromium`), or point CHROMIUM_PATH at one.'

export type BrowserChoice = { kind: 'system', executablePath: string } | { kind: 'bundled' }

/** The system Chromium when one exists and PORTAL_BROWSER does not ask for the bundled one. */
export function chooseBrowser(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): BrowserChoice {
  const wanted = env.PORTAL_BROWSER ?? 'auto'
  if (!['auto', 'system', 'bundled'].includes(wanted)) throw new Error(`PORTAL_BROWSER must be auto, system or bundled; got ${wanted}`)
  if (wanted !== 'bundled') {
    const found = [env.CHROMIUM_PATH, SYSTEM_CHROMIUM].find(path => path && exists(path))
    if (found) return { kind: 'system', executablePath: found }
    if (wanted === 'system') throw new Error(`PORTAL_BROWSER=system but there is no Chromium at ${[env.CHROMIUM_PATH, SYSTEM_CHROMIUM].filter(Boolean).join(' or ')}. ${INSTALL_HINT}`)
  }
  return { kind: 'bundled' }
}

interface Bundled { executablePath: string, libraryPath: string }

/**
 * Unpacks the package's brotli archives once per package version under node_modules/.cache. The
 * package unpacks into os.tmpdir() and reuses whatever it finds there (an older version, or a file
 * cut short by a killed run); a directory of our own, marked complete only once everything is out,
 * avoids both.
 */
async function unpackBundled(): Promise<Bundled> {
  let sparticuz: typeof import('@sparticuz/chromium')
  try {
    sparticuz = await import('@sparticuz/chromium')
  }
  catch (error) {
    throw new Error(`the package is not installed (${(error as Error).message})`, { cause: error })
  }
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@sparticuz/chromium/package.json'), 'utf8')) as { version: string }).version
  const dir = join(ROOT, 'node_modules/.cache/sparticuz-chromium', version)
  const marker = join(dir, 'complete')
  const bundled = { executablePath: join(dir, 'chromium'), libraryPath: join(dir, 'al2023/lib') }
  if (existsSync(marker)) return bundled
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const bin = join(ROOT, 'node_modules/@sparticuz/chromium/bin')
  const previous = process.env.TMPDIR
  process.env.TMPDIR = dir
  try {
    const Chromium = sparticuz.default
    await Chromium.executablePath(bin)
    // NSS, NSPR and expat, which a machine without any browser installed may lack.
    await sparticuz.inflate(join(bin, 'al2023.tar.br'))
  }
  finally {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`)
  return bundled
}

/** Starts Chromium headless; one that cannot start is an error saying what to install. */
export async function launchBrowser(choice: BrowserChoice = chooseBrowser()): Promise<Browser> {
  const which = choice.kind === 'system' ? `the system Chromium at ${choice.executablePath}` : 'the bundled @sparticuz/chromium'
  try {
    const bundled = choice.kind === 'bundled' ? await unpackBundled() : undefined
    return await chromium.launch({
      executablePath: choice.kind === 'system' ? choice.executablePath : bundled!.executablePath,
      headless: true,
      args: FLAGS,
      ...(bundled ? { env: { ...process.env, LD_LIBRARY_PATH: [bundled.libraryPath, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } } : {}),
    })
  }
  catch (error) {
    throw new Error(`Chromium did not start: ${which}. ${INSTALL_HINT}\n${(error as Error).message}`, { cause: error })
  }
}

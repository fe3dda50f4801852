// The browser harness itself: which Chromium it picks, that one which cannot start fails with what
// to install, that a failed set-up stops the portal it started (no server left on its port), and
// that the bundled Chromium renders the dashboard.
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { chooseBrowser, SYSTEM_CHROMIUM } from './launch.ts'
import { ADMIN, canvasInk, freePort, openSession, PortalStartError, signIn, startPortal, visit } from './harness.ts'

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); res(true) })
    socket.once('error', () => res(false))
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

describe('chooseBrowser', () => {
  const only = (...paths: string[]) => (path: string) => paths.includes(path)
  it('takes CHROMIUM_PATH, then Debian\'s Chromium, then the bundled one', () => {
    expect(chooseBrowser({ CHROMIUM_PATH: '/opt/chrome' }, only('/opt/chrome', SYSTEM_CHROMIUM))).toEqual({ kind: 'system', executablePath: '/opt/chrome' })
    expect(chooseBrowser({ CHROMIUM_PATH: '/nowhere' }, only(SYSTEM_CHROMIUM))).toEqual({ kind: 'system', executablePath: SYSTEM_CHROMIUM })
    expect(chooseBrowser({ CHROMIUM_PATH: '/nowhere' }, only())).toEqual({ kind: 'bundled' })
    expect(chooseBrowser({}, only())).toEqual({ kind: 'bundled' })
  })

  it('honours PORTAL_BROWSER, and refuses a value it does not know', () => {
    expect(chooseBrowser({ PORTAL_BROWSER: 'bundled', CHROMIUM_PATH: '/opt/chrome' }, only('/opt/chrome', SYSTEM_CHROMIUM))).toEqual({ kind: 'bundled' })
    expect(() => chooseBrowser({ PORTAL_BROWSER: 'system' }, only())).toThrow(/no Chromium at \/usr\/bin\/chromium.*apt-get install chromium/)
    expect(() => chooseBrowser({ PORTAL_BROWSER: 'firefox' }, only())).toThrow(/PORTAL_BROWSER must be auto, system or bundled/)
  })
})

describe('startPortal when its set-up fails', () => {
  it('a browser that cannot start: the error says what to install, and the server it started is stopped', async () => {
    const port = await freePort()
    // An executable that exists but is no browser: it exits at once.
    const start = startPortal({ port, browser: { kind: 'system', executablePath: '/bin/false' } })
    const error = await start.then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(PortalStartError)
    const failed = error as PortalStartError
    expect(failed.message).toMatch(/Chromium did not start: the system Chromium at \/bin\/false/)
    expect(failed.message).toMatch(/npm ci.*@sparticuz\/chromium.*apt-get install chromium.*CHROMIUM_PATH/)
    expect(failed.url).toBe(`http://127.0.0.1:${port}`)
    // The server had become ready (it answered /readyz) before the browser was launched.
    expect(alive(failed.pid!)).toBe(false)
    expect(await listening(port)).toBe(false)
  })

  it('a server that does not become ready in time is stopped too', async () => {
    const port = await freePort()
    const error = await startPortal({ port, readyTimeoutMs: 300 }).then(() => undefined, (e: unknown) => e) as PortalStartError
    expect(error).toBeInstanceOf(PortalStartError)
    expect(error.message).toMatch(/did not become ready in 300 ms/)
    expect(alive(error.pid!)).toBe(false)
    // Long enough for a server left running to have bound its port.
    await new Promise(r => setTimeout(r, 3000))
    expect(await listening(port)).toBe(false)
  })
})

describe('the bundled @sparticuz/chromium', () => {
  // Whatever browser the other files use, every run renders the dashboard in the bundled one too:
  // it is what a machine without a system Chromium gets.
  it('renders the dashboard: signs in and draws the overview\'s charts', async () => {
    const portal = await startPortal({ browser: { kind: 'bundled' } })
    try {
      const { version } = JSON.parse(readFileSync(new URL('../../node_modules/@sparticuz/chromium/package.json', import.meta.url), 'utf8')) as { version: string }
      expect(portal.browser.version().split('.')[0]).toBe(version.split('.')[0])
      const s = await openSession(portal)
      await signIn(s.page, ADMIN.email, ADMIN.password)
      await visit(s.page, '/')
      expect((await canvasInk(s.page, 4)).every(ink => ink > 500)).toBe(true)
      expect(await s.page.getByTestId('totals').textContent()).toMatch(/Claims/)
      expect(s.errors).toEqual([])
    }
    finally {
      await portal.stop()
    }
  })
})

// `npm start`: build if needed, then run the built server (which migrates, creates the first
// admin key and seeds demo data into an empty database) and print where it answers.
import { spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'
import { ensureBuilt, PROJECT_ROOT, SERVER_ENTRY } from './lib/build.ts'

ensureBuilt()

const port = Number(process.env.PORT ?? 3000)
const child = spawn(process.execPath, [SERVER_ENTRY], {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: { ...process.env, PORT: String(port) },
})

// The server drains and closes on SIGTERM or SIGINT (README, "Faults and exit codes"); this
// process passes the signal on and ends with the server's own code, so a supervisor running
// `npm start` sees 0 for a clean stop and the server's code (78, 77, ...) for a start it refused.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? osConstants.signals[signal] : 0)))

const deadline = Date.now() + 120_000
async function announceWhenReady(): Promise<void> {
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`)
      if (res.ok) {
        console.info(`\n  Portal ready: http://localhost:${port}/\n  API: http://localhost:${port}/api/v1 (Authorization: Bearer <key>)\n`)
        return
      }
    }
    catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}
void announceWhenReady()

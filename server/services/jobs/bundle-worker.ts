// Build step (called from nuxt.config.ts once Nitro has written the server): bundles the job
// worker's entry with everything it imports into one ES module beside the server. The server's
// own bundle cannot serve as a worker entry, and its chunks hold no path to the .ts sources.
// better-sqlite3 is not bundled: every import of it becomes a require() of the exact module the
// main thread loaded (workerData.driver), so the process holds one copy of SQLite. With two, each
// copy's POSIX locks are invisible to the other and a checkpoint can corrupt the file.
import { join } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { WORKER_BUNDLE_NAME } from './worker-host.ts'

const SHARED_DRIVER = `import { createRequire } from 'node:module'
import { workerData } from 'node:worker_threads'
if (!workerData?.driver) throw new Error('the job worker needs workerData.driver (the main thread\\'s better-sqlite3)')
export default createRequire(import.meta.url)(workerData.driver)
`

const sharedDriver: Plugin = {
  name: 'shared-better-sqlite3',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: 'better-sqlite3', namespace: 'shared-driver' }))
    b.onLoad({ filter: /.*/, namespace: 'shared-driver' }, () => ({ contents: SHARED_DRIVER, loader: 'js' }))
  },
}

export async function bundleJobWorker(rootDir: string, serverDir: string): Promise<string> {
  const outfile = join(serverDir, WORKER_BUNDLE_NAME)
  await build({
    entryPoints: [join(rootDir, 'server/services/jobs/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    plugins: [sharedDriver],
    // CommonJS dependencies (stdlib) call require(); give the ES module one.
    banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);` },
    logLevel: 'warning',
  })
  return outfile
}

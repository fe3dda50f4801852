// Build step (called from nuxt.config.ts once Nitro has written the server): bundles the job
// worker's entry with everything it imports into one ES module beside the server. The server's
// own bundle cannot serve as a worker entry, and its chunks hold no path to the .ts sources.
// better-sqlite3 stays external: Nitro copies it into .output/server/node_modules.
import { join } from 'node:path'
import { build } from 'esbuild'
import { WORKER_BUNDLE_NAME } from './worker-host.ts'

export async function bundleJobWorker(rootDir: string, serverDir: string): Promise<string> {
  const outfile = join(serverDir, WORKER_BUNDLE_NAME)
  await build({
    entryPoints: [join(rootDir, 'server/services/jobs/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['better-sqlite3'],
    // CommonJS dependencies (stdlib) call require(); give the ES module one.
    banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);` },
    logLevel: 'warning',
  })
  return outfile
}

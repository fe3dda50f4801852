import { ensureBuilt } from '../../scripts/lib/build.ts'

export default function setup(): void {
  ensureBuilt()
}

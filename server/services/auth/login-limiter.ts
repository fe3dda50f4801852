// Failed sign-ins per client address: after MAX_FAILURES in a WINDOW_MS window, further attempts
// are refused until the window ends, so a password cannot be guessed at request speed. In memory,
// per process: enough to slow guessing down, and nothing to clean up when the process ends.
export const MAX_FAILURES = 10
export const WINDOW_MS = 60_000
/** Beyond this many tracked addresses, expired entries are dropped before adding another. */
const MAX_TRACKED = 10_000

interface Entry { failures: number, windowStart: number }

export class LoginLimiter {
  private entries = new Map<string, Entry>()

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfter(ip: string, now: number = Date.now()): number {
    const entry = this.entries.get(ip)
    if (!entry || now - entry.windowStart >= WINDOW_MS) return 0
    if (entry.failures < MAX_FAILURES) return 0
    return Math.max(1, Math.ceil((entry.windowStart + WINDOW_MS - now) / 1000))
  }

  recordFailure(ip: string, now: number = Date.now()): void {
    const entry = this.entries.get(ip)
    if (entry && now - entry.windowStart < WINDOW_MS) {
      entry.failures++
      return
    }
    if (this.entries.size >= MAX_TRACKED) this.prune(now)
    this.entries.set(ip, { failures: 1, windowStart: now })
  }

  recordSuccess(ip: string): void {
    this.entries.delete(ip)
  }

  private prune(now: number): void {
    for (const [ip, entry] of this.entries) {
      if (now - entry.windowStart >= WINDOW_MS) this.entries.delete(ip)
    }
  }
}

export const loginLimiter = new LoginLimiter()

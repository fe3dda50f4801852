// Failed sign-ins, counted twice: per client address (one client guessing many accounts) and per
// account (many addresses guessing one). After MAX_FAILURES failures of either in a WINDOW_MS
// window, further attempts on it are refused until that window ends, so a password cannot be
// guessed at request speed. A successful sign-in resets neither count: otherwise signing in to
// one's own account between guesses would wipe the address's failures (9 guesses + 1 success,
// repeated, never limited). Failures simply age out with their window.
// In memory, per process: enough to slow guessing down, and nothing to clean up when it ends.
export const MAX_FAILURES = 10
export const WINDOW_MS = 60_000
/** Beyond this many tracked keys, expired entries are dropped, then the oldest, before adding another. */
const MAX_TRACKED = 10_000

interface Entry { failures: number, windowStart: number }

/** Who an attempt is counted against: the client's address and the (normalised) email tried. */
export interface Attempt { address: string, account: string }

const keysOf = (attempt: Attempt) => [`address:${attempt.address}`, `account:${attempt.account}`]

export class LoginLimiter {
  private entries = new Map<string, Entry>()

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfter(attempt: Attempt, now: number = Date.now()): number {
    return Math.max(0, ...keysOf(attempt).map(key => this.wait(key, now)))
  }

  recordFailure(attempt: Attempt, now: number = Date.now()): void {
    for (const key of keysOf(attempt)) this.count(key, now)
  }

  private wait(key: string, now: number): number {
    const entry = this.entries.get(key)
    if (!entry || now - entry.windowStart >= WINDOW_MS || entry.failures < MAX_FAILURES) return 0
    return Math.max(1, Math.ceil((entry.windowStart + WINDOW_MS - now) / 1000))
  }

  private count(key: string, now: number): void {
    const entry = this.entries.get(key)
    if (entry && now - entry.windowStart < WINDOW_MS) {
      entry.failures++
      return
    }
    this.entries.delete(key)
    if (this.entries.size >= MAX_TRACKED) this.prune(now)
    this.entries.set(key, { failures: 1, windowStart: now })
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.windowStart >= WINDOW_MS) this.entries.delete(key)
    }
    // Still full (a flood of distinct emails): forget the oldest windows, which end first anyway.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_TRACKED) break
      this.entries.delete(key)
    }
  }
}

export const loginLimiter = new LoginLimiter()

// How the server tells a supervisor why it stopped. A fault the operator must fix (a setting, a
// file's permissions) exits with its own code rather than 1, so systemd's
// RestartPreventExitStatus= (or a container's restart policy) can stop a restart loop that would
// only fail the same way, and the code alone says where to look. Listed in the README.
// The numbers are sysexits.h's, which supervisors and operators already know.

export const EXIT = {
  /** A setting that can never work: NUXT_DATABASE_PATH names a directory, a bad bootstrap key. */
  config: 78, // EX_CONFIG
  /** The database file or its directory may not be read or written (permissions, read-only mount). */
  permission: 77, // EX_NOPERM
  /** The file is not a SQLite database (or is damaged). */
  data: 65, // EX_DATAERR
  /** The disk is full or fails at start. */
  io: 74, // EX_IOERR
  /** SIGTERM: the drain and the close did not finish within NUXT_SHUTDOWN_TIMEOUT_MS (as timeout(1)). */
  shutdownTimeout: 124,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A fault the portal cannot start with; the message says what, where and what to do. */
export class StartupError extends Error {
  readonly exitCode: ExitCode

  constructor(message: string, exitCode: ExitCode = EXIT.config) {
    super(message)
    this.name = 'StartupError'
    this.exitCode = exitCode
  }
}

/**
 * Ends a start that hit a StartupError with one line and the error's code: no stack trace, which
 * would only hide the line that says what to do. Anything else is rethrown as it is.
 */
export function exitOnStartupError(error: unknown, log: (line: string) => void = console.error): never {
  if (!(error instanceof StartupError)) throw error
  log(`[startup] ${error.message}`)
  process.exit(error.exitCode)
}

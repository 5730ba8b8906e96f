/** Socket errors (Node's `code`) of a database that is down, restarting or unreachable. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * PostgreSQL SQLSTATEs of a server that is shutting down or cannot take a connection now:
 * admin_shutdown (pg_terminate_backend, fast shutdown), crash_shutdown, cannot_connect_now
 * (starting up or recovering) and too_many_connections (PostgreSQL manual, appendix A). Class 08
 * (connection exception) is matched by prefix.
 */
const POSTGRES = new Set(['57P01', '57P02', '57P03', '53300'])

/**
 * better-sqlite3 result codes of a file that is locked past the busy timeout, cannot be opened or
 * cannot be read or written; extended codes (`SQLITE_IOERR_WRITE`) share the primary prefix.
 */
const SQLITE = ['SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR']

/**
 * The errors pg and pg-pool raise without a code when a connection ends or never comes (their
 * client.js and index.js); these exact messages are all there is to tell them apart from a bug.
 */
const PG_MESSAGES = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'timeout expired',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
])

function matches(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false
  const { code, message, errors, cause } = error as {
    code?: unknown
    message?: unknown
    errors?: unknown
    cause?: unknown
  }
  if (typeof code === 'string') {
    if (NETWORK.has(code) || POSTGRES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true
    if (SQLITE.some((c) => code === c || code.startsWith(`${c}_`))) return true
  }
  if (typeof message === 'string' && PG_MESSAGES.has(message)) return true
  // Node reports a refused connection to every address of a name (IPv4 and IPv6 localhost) as
  // an AggregateError; wrappers such as UsageError keep the driver's error as their cause.
  if (Array.isArray(errors) && errors.some((e) => matches(e, depth + 1))) return true
  return matches(cause, depth + 1)
}

/**
 * True when `error` means the database could not be reached or dropped the connection
 * (refused/reset/timeout, pg admin shutdown 57P01/57P02/57P03, 08xxx connection exceptions,
 * "Connection terminated", pool connect timeout, SQLITE_BUSY/SQLITE_CANTOPEN/SQLITE_IOERR) — as
 * opposed to a bug or a constraint violation. Callers answer 503 for the first, 500 for the rest.
 */
export function isStoreUnavailable(error: unknown): boolean {
  return matches(error, 0)
}

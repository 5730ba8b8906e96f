import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { isStoreUnavailable } from '../../../src/store/index.js'
import { UsageError } from '../../../src/errors/index.js'

/** An error as Node's net module or pg's protocol parser builds it: a message plus fields. */
const withFields = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields)

const sqliteError = (code: string): Error =>
  new BetterSqlite3.SqliteError(`${code.toLowerCase()} happened`, code)

/** A server error as pg's protocol parser builds it from an ErrorResponse (SQLSTATE in `code`). */
function postgresError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError(
    'terminating connection due to administrator command',
    0,
    'error',
  )
  error.code = code
  error.severity = 'FATAL'
  return error
}

const cases: ReadonlyArray<readonly [string, unknown, boolean]> = [
  [
    'a refused connection',
    withFields('connect ECONNREFUSED 127.0.0.1:5432', {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    }),
    true,
  ],
  [
    'a reset connection',
    withFields('read ECONNRESET', { code: 'ECONNRESET', syscall: 'read' }),
    true,
  ],
  [
    'a connect timeout of the socket',
    withFields('connect ETIMEDOUT 10.0.0.1:5432', { code: 'ETIMEDOUT' }),
    true,
  ],
  ['an unresolvable host', withFields('getaddrinfo ENOTFOUND db', { code: 'ENOTFOUND' }), true],
  [
    'refused on every address of localhost (AggregateError)',
    Object.assign(
      new AggregateError([
        withFields('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }),
        withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      ]),
      { code: 'ECONNREFUSED' },
    ),
    true,
  ],
  [
    'AggregateError without its own code',
    new AggregateError([withFields('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })]),
    true,
  ],
  ['pg_terminate_backend (57P01 admin_shutdown)', postgresError('57P01'), true],
  [
    'a crash shutdown (57P02)',
    withFields('terminating connection because of crash of another server process', {
      code: '57P02',
      severity: 'FATAL',
    }),
    true,
  ],
  [
    'the server is starting up (57P03)',
    withFields('the database system is starting up', { code: '57P03', severity: 'FATAL' }),
    true,
  ],
  [
    'too many connections (53300)',
    withFields('sorry, too many clients already', { code: '53300' }),
    true,
  ],
  [
    'a class 08 connection exception (08006)',
    withFields('connection failure', { code: '08006' }),
    true,
  ],
  ['pg: the server closed the connection', new Error('Connection terminated unexpectedly'), true],
  ['pg: a query on a closed connection', new Error('Connection terminated'), true],
  [
    'pg-pool: no connection within connectionTimeoutMillis',
    new Error('timeout exceeded when trying to connect'),
    true,
  ],
  [
    'pg-pool: a connect that timed out',
    new Error('Connection terminated due to connection timeout', {
      cause: new Error('timeout expired'),
    }),
    true,
  ],
  [
    'a wrapper that keeps the driver error as cause',
    new UsageError('cannot open postgres://db', {
      cause: withFields('x', { code: 'ECONNREFUSED' }),
    }),
    true,
  ],
  ['SQLite locked past the busy timeout', sqliteError('SQLITE_BUSY'), true],
  ['SQLite cannot open the file', sqliteError('SQLITE_CANTOPEN'), true],
  ['SQLite disk I/O error (extended code)', sqliteError('SQLITE_IOERR_WRITE'), true],
  [
    'a unique violation (23505)',
    withFields('duplicate key value violates unique constraint', { code: '23505' }),
    false,
  ],
  [
    'a serialization failure (40001)',
    withFields('could not serialize access', { code: '40001' }),
    false,
  ],
  ['a missing table (42P01)', withFields('relation "x" does not exist', { code: '42P01' }), false],
  ['a SQLite constraint violation', sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY'), false],
  ['a programming error', new TypeError('cannot read properties of undefined'), false],
  [
    'a message that merely mentions a timeout',
    new Error('Connection terminated: timeout of something else'),
    false,
  ],
  ['a string', 'ECONNREFUSED', false],
  ['undefined', undefined, false],
]

for (const [name, error, want] of cases) {
  test(`isStoreUnavailable: ${name} → ${want}`, () => assert.equal(isStoreUnavailable(error), want))
}

test('isStoreUnavailable: a real refused connection to a closed port on 127.0.0.1', async () => {
  // Bind and release a port so nothing listens on it.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' })
  client.on('error', () => {})
  const error = await client.connect().then(
    () => assert.fail('connected to a closed port'),
    (e: unknown) => e,
  )
  assert.equal(isStoreUnavailable(error), true, String(error))
})

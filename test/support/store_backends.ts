import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

/**
 * The storage conformance matrix (STYLE.md §2.11, §2.12): every store test runs once on SQLite
 * and once on PostgreSQL, each run in a database of its own that is dropped afterwards.
 */

/** The machine's PostgreSQL (trust auth, database `test`); WIFKIT_TEST_POSTGRES_URL overrides it. */
export const TEST_POSTGRES_URL =
  process.env.WIFKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A fresh database for one test run. */
export interface TestDatabase {
  /** The `storage` setting that reaches it. */
  readonly storage: string
  /** Runs SQL beside the store, as another process would; `?` marks each parameter. */
  exec(statement: string, params?: readonly unknown[]): Promise<void>
  /** Removes it and everything in it. */
  drop(): Promise<void>
}

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres'
  /** Why this backend cannot run here, when it cannot. */
  readonly unavailable?: string
  database(): Promise<TestDatabase>
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-store-'))
  const file = join(dir, 'db.sqlite')
  return {
    storage: `sqlite:${file}`,
    async exec(statement, params = []) {
      const raw = new BetterSqlite3(file)
      try {
        raw.prepare(statement).run(...params)
      } finally {
        raw.close()
      }
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  }
}

function withOptions(url: string, options: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(options)}`
}

async function onPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  client.on('error', () => {})
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A schema of its own (`wk_<random>`), reached through the URL's `search_path` option. */
async function postgresDatabase(): Promise<TestDatabase> {
  const schema = `wk_${randomBytes(6).toString('hex')}`
  await onPostgres(TEST_POSTGRES_URL, (c) => c.query(`create schema ${schema}`))
  const storage = withOptions(TEST_POSTGRES_URL, `-c search_path=${schema}`)
  return {
    storage,
    async exec(statement, params = []) {
      let n = 0
      const text = statement.replace(/\?/g, () => `$${++n}`)
      await onPostgres(storage, (c) => c.query(text, [...params]))
    },
    async drop() {
      await onPostgres(TEST_POSTGRES_URL, (c) => c.query(`drop schema ${schema} cascade`))
    },
  }
}

async function postgresProblem(): Promise<string | undefined> {
  try {
    await onPostgres(TEST_POSTGRES_URL, (c) => c.query('select 1'))
    return undefined
  } catch (error) {
    const e = error as Error
    const reason =
      e instanceof AggregateError && e.message === ''
        ? e.errors.map((x: Error) => x.message).join('; ')
        : e.message
    const where = new URL(TEST_POSTGRES_URL)
    return `PostgreSQL unreachable at ${where.host}: ${reason}`
  }
}

const pgProblem = await postgresProblem()

/** SQLite, then PostgreSQL; PostgreSQL says why when it cannot run. */
export const storeBackends: readonly StoreBackend[] = [
  { name: 'sqlite', database: sqliteDatabase },
  {
    name: 'postgres',
    ...(pgProblem === undefined ? {} : { unavailable: pgProblem }),
    database: postgresDatabase,
  },
]

/**
 * Declares `suite` once per backend (or for the `only` one), inside a `describe` named after it. Without PostgreSQL its
 * half is skipped with the reason; under CI (`CI` set) it fails instead, so CI never passes a
 * conformance suite that ran on one database only.
 */
export function forEachBackend(
  suite: (backend: StoreBackend) => void,
  only?: StoreBackend['name'],
): void {
  for (const backend of storeBackends.filter((b) => only === undefined || b.name === only)) {
    if (backend.unavailable === undefined) {
      describe(backend.name, () => suite(backend))
    } else if (process.env.CI) {
      describe(backend.name, () => {
        test('the conformance suite needs PostgreSQL in CI', () => {
          assert.fail(`${backend.unavailable} (CI is set, so this half must run)`)
        })
      })
    } else {
      describe(backend.name, { skip: backend.unavailable }, () => suite(backend))
    }
  }
}

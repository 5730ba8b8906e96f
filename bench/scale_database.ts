// One database for the scale and node rows: created empty, migrated by `wifkit migrate` so the
// schema is the real one, seeded with a directory of the asked size, then given the bench's own
// tenant, resource and federated client; dropped afterwards, on failure too.
import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { openStore } from '../src/store/index.js'
import { benchApplication } from './bench_application.js'
import { seedPostgres, seedSqlite, type SeedSize } from './scale_seed.js'

/** The machine's PostgreSQL, as the store tests use it; WIFKIT_TEST_POSTGRES_URL overrides it. */
export const BENCH_POSTGRES_URL =
  process.env.WIFKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Who the bench's exchanges come from and what they ask for. */
export interface BenchClient {
  issuer: string
  subject: string
  audience: string
  resource: string
}

export interface ScaleDatabase {
  backend: 'sqlite' | 'postgres'
  /** The `storage` setting that reaches it. */
  storage: string
  tenantId: string
  /** The bench client's appId. */
  clientId: string
  /** The key-encryption key every node of this database shares (created by the first). */
  kekFile: string
  /** Seeding time, migrations excluded. */
  seedSeconds: number
  /** Counted in the database once ready, the bench's own rows included. */
  credentials: number
  applications: number
  drop(): Promise<void>
}

const run = promisify(execFile)
const CLI = new URL('../src/cli/main.ts', import.meta.url).href

/** `wifkit migrate --config FILE`, from source as the bench runs everything else. */
async function migrate(dir: string, storage: string, kekFile: string): Promise<void> {
  const config = join(dir, 'migrate.json')
  const settings = {
    storage,
    public: { listen: '127.0.0.1:0', url: 'https://localhost:8443' },
    keys: { kekFile },
  }
  await writeFile(config, JSON.stringify(settings))
  const script = `import(${JSON.stringify(CLI)}).then((cli) => cli.main(['node', 'wifkit', 'migrate', '--config', ${JSON.stringify(config)}]))`
  await run(process.execPath, ['--import', 'tsx', '-e', script])
}

async function onPostgres(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  client.on('error', () => {})
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Why PostgreSQL cannot be used here, or undefined when it can. */
export async function postgresProblem(): Promise<string | undefined> {
  try {
    await onPostgres(BENCH_POSTGRES_URL, 'select 1')
    return undefined
  } catch (error) {
    const e = error as Error
    return e instanceof AggregateError && e.message === ''
      ? e.errors.map((x: Error) => x.message).join('; ')
      : e.message
  }
}

const COUNTS =
  'select (select count(*) from federated_credentials) as credentials,' +
  ' (select count(*) from applications) as applications'

async function countRows(storage: string) {
  if (storage.startsWith('sqlite:')) {
    const db = new BetterSqlite3(storage.slice('sqlite:'.length), { readonly: true })
    try {
      return db.prepare(COUNTS).get() as { credentials: number; applications: number }
    } finally {
      db.close()
    }
  }
  const row = (await onPostgres(storage, COUNTS)).rows[0] as Record<string, string>
  return { credentials: Number(row.credentials), applications: Number(row.applications) }
}

/** The bench's tenant, the resource it asks for and its client with one federated credential. */
async function addBenchClient(storage: string, client: BenchClient) {
  const store = await openStore(storage)
  try {
    const now = Math.floor(Date.now() / 1000)
    const tenantId = randomUUID()
    const { directory } = store
    await directory.insertTenant({
      id: tenantId,
      displayName: 'bench',
      domains: [],
      createdAt: now,
    })
    const resource = benchApplication(tenantId, now, { identifierUris: [client.resource] })
    await directory.insertApplication(resource)
    const federated = benchApplication(tenantId, now, { displayName: 'bench client' })
    await directory.insertApplication(federated)
    await directory.insertCredential({
      id: randomUUID(),
      applicationId: federated.id,
      name: 'bench',
      issuer: client.issuer,
      subject: client.subject,
      audience: client.audience,
      description: null,
      createdAt: now,
    })
    return { tenantId, clientId: federated.appId }
  } finally {
    await store.close()
  }
}

/** Creates, migrates and seeds one database; `seed` counts rows beyond the bench's own. */
export async function createScaleDatabase(
  backend: 'sqlite' | 'postgres',
  seed: SeedSize,
  client: BenchClient,
): Promise<ScaleDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'wifkit-bench-scale-'))
  const schema = `wk_bench_${randomBytes(4).toString('hex')}`
  const file = join(dir, 'wifkit.db')
  const kekFile = join(dir, 'kek')
  const storage =
    backend === 'sqlite'
      ? `sqlite:${file}`
      : `${BENCH_POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  const drop = async () => {
    if (backend === 'postgres')
      await onPostgres(BENCH_POSTGRES_URL, `drop schema ${schema} cascade`)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    if (backend === 'postgres') await onPostgres(BENCH_POSTGRES_URL, `create schema ${schema}`)
    await migrate(dir, storage, kekFile)
    const started = performance.now()
    if (backend === 'sqlite') seedSqlite(file, seed)
    else await seedPostgres(storage, seed)
    const seedSeconds = (performance.now() - started) / 1000
    const bench = await addBenchClient(storage, client)
    return { backend, storage, kekFile, seedSeconds, drop, ...bench, ...(await countRows(storage)) }
  } catch (error) {
    await drop().catch(() => undefined)
    throw error
  }
}

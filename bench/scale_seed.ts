// Fills a migrated wifkit database with a directory of realistic size for the scale row (issue 8,
// row 6): applications spread over tenants, each with federated credentials shaped like AKS
// ones. Set-based SQL inside one transaction, so a million credentials take seconds, not hours.
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

/** How much directory to add; credentials are spread evenly over the applications. */
export interface SeedSize {
  tenants: number
  applications: number
  credentials: number
}

type Dialect = 'sqlite' | 'postgres'

/** The audience every AKS workload identity credential names. */
const AUDIENCE = 'api://AzureADTokenExchange'
const CREATED_AT = 1_700_000_000

// A random version-4 GUID per row, lower case as wifkit stores them (RFC 9562 §5.4).
const GUID: Record<Dialect, string> = {
  sqlite:
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)" +
    " || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'" +
    ' || hex(randomblob(6)))',
  postgres: 'gen_random_uuid()::text',
}

/** A derived table `s(n)` of the integers 0..count-1. */
function series(dialect: Dialect, count: number): string {
  return dialect === 'postgres'
    ? `(select generate_series(0, ${count - 1}) as n) as s`
    : `(with recursive r(n) as (select 0 union all select n + 1 from r where n < ${count - 1})` +
        ' select n from r) as s'
}

/**
 * Application k sits in tenant k mod T. Credential n belongs to application n mod A and is named
 * `cluster-<n div A>`, unique per application as wifkit requires; its issuer is an AKS-style URL
 * of a cluster in that application's tenant and its subject a service account, so no two
 * credentials of one application share issuer and subject.
 */
function statements(dialect: Dialect, size: SeedSize): string[] {
  const { tenants, applications, credentials } = size
  const guid = GUID[dialect]
  const cluster = `(s.n / ${applications})`
  return [
    'create temporary table seed_tenants (k integer primary key, id varchar(36) not null)',
    'create temporary table seed_apps (k integer primary key, id varchar(36) not null)',
    `insert into seed_tenants (k, id) select n, ${guid} from ${series(dialect, tenants)}`,
    `insert into seed_apps (k, id) select n, ${guid} from ${series(dialect, applications)}`,
    `insert into tenants (id, display_name, domains, created_at)
       select id, 'tenant ' || k, '[]', ${CREATED_AT} from seed_tenants`,
    `insert into applications (id, tenant_id, app_id, principal_id, kind, display_name, enabled,
         identifier_uris, app_roles, created_at)
       select a.id, t.id, ${guid}, ${guid}, 'application', 'workload ' || a.k, 1, '[]', '[]',
         ${CREATED_AT}
       from seed_apps a join seed_tenants t on t.k = a.k % ${tenants}`,
    `insert into federated_credentials (id, application_id, name, name_folded, issuer, subject,
         audience, description, created_at)
       select ${guid}, a.id, 'cluster-' || ${cluster}, 'cluster-' || ${cluster},
         'https://eastus.oic.prod-aks.azure.com/' || t.id || '/' || substr(a.id, 1, 8) || '-' ||
           ${cluster} || '/',
         'system:serviceaccount:team-' || (a.k % 500) || ':workload-' || a.k,
         '${AUDIENCE}', null, ${CREATED_AT}
       from ${series(dialect, credentials)}
       join seed_apps a on a.k = s.n % ${applications}
       join seed_tenants t on t.k = a.k % ${tenants}`,
    'drop table seed_apps',
    'drop table seed_tenants',
  ]
}

/** Seeds a SQLite database file in one transaction, then refreshes the planner's statistics. */
export function seedSqlite(file: string, size: SeedSize): void {
  const db = new BetterSqlite3(file)
  try {
    // Seeding only: a large page cache keeps the random-GUID index inserts in memory.
    db.pragma('cache_size = -1000000')
    db.transaction(() => {
      for (const sql of statements('sqlite', size)) db.exec(sql)
    })()
    db.exec('analyze')
  } finally {
    db.close()
  }
}

/** Seeds a PostgreSQL schema (the URL's search_path) in one transaction, then analyses it. */
export async function seedPostgres(url: string, size: SeedSize): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('begin')
    await client.query("set local maintenance_work_mem = '256MB'")
    for (const sql of statements('postgres', size)) await client.query(sql)
    await client.query('commit')
    await client.query('analyze')
  } catch (error) {
    await client.query('rollback').catch(() => undefined)
    throw error
  } finally {
    await client.end()
  }
}
